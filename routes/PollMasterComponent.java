package nc.opt.waits;

import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.master.MasterComponent;

/**
 * Camel's master: component, run by the cluster service that poll.cluster.service names (the bean
 * pollFileLock by default, pollLease in Kubernetes). A bean's properties are bound after Camel
 * initialises it, and the plain component then looks for a cluster service among the context's
 * services, where a bean is not: so the service is looked up here, by name, when it initialises,
 * and made a service of the context (started and stopped with it).
 */
public class PollMasterComponent extends MasterComponent {
    @Override
    protected void doInit() throws Exception {
        if (getService() == null) {
            String name = getCamelContext().resolvePropertyPlaceholders("{{poll.cluster.service}}");
            CamelClusterService service = getCamelContext().getRegistry().lookupByNameAndType(name, CamelClusterService.class);
            if (service == null) {
                throw new IllegalStateException("no cluster service bean named " + name + " (poll.cluster.service)");
            }
            setService(service);
        }
        // a service of the context: started and stopped with it
        if (!getCamelContext().hasService(getService())) {
            getCamelContext().addService(getService());
        }
        super.doInit();
    }
}
