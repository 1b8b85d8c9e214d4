package nc.opt.waits;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.component.master.MasterComponent;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which instance polls, in the check "poll-leader" of /observe/health (always UP: following is
 * normal) and in the gauge opt_poll_leader{instance} (1 on the leader, 0 elsewhere). The leader is
 * the one the cluster service (master: component) elected for the poller's namespace.
 */
public class PollLeaderHealth extends AbstractHealthCheck {
    private volatile CamelClusterView view;

    public PollLeaderHealth() {
        super("opt-waits", "poll-leader");
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        super.setCamelContext(camelContext);
        // the gauge once the metrics registry exists (it is made while Camel starts)
        try {
            camelContext.addStartupListener((context, alreadyStarted) -> registerGauge(context));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void registerGauge(CamelContext context) {
        Set<MeterRegistry> registries = context.getRegistry().findByType(MeterRegistry.class);
        if (!registries.isEmpty()) {
            MeterRegistry registry = registries.iterator().next();
            if (registry.find("opt.poll.leader").gauge() == null) {
                Gauge.builder("opt.poll.leader", this, health -> health.isLeader() ? 1 : 0)
                        .description("1 when this instance is the elected poller")
                        .tag("instance", property("poll.instance-id")).register(registry);
            }
        }
    }

    /** whether the cluster service elected this instance for the poller's namespace */
    public boolean isLeader() {
        return service().map(s -> s.isLeader(property("poll.cluster.namespace"))).orElse(false);
    }

    /** the cluster service the master: component runs (camel.component.master.service) */
    private Optional<CamelClusterService> service() {
        return getCamelContext() == null || getCamelContext().hasComponent("master") == null ? Optional.empty()
                : Optional.ofNullable(getCamelContext().getComponent("master", MasterComponent.class)).map(MasterComponent::getService);
    }

    private String property(String key) {
        return getCamelContext().resolvePropertyPlaceholders("{{" + key + "}}");
    }

    private Optional<String> leaderId() {
        try {
            if (view == null && service().isPresent()) {
                view = service().get().getView(property("poll.cluster.namespace"));
            }
            return view == null ? Optional.empty() : view.getLeader().map(CamelClusterMember::getId);
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.up();
        boolean leader = isLeader();
        builder.detail("instance", property("poll.instance-id"));
        builder.detail("leader", leader);
        leaderId().ifPresent(id -> builder.detail("leaderId", id));
        PollSchedule schedule = getCamelContext().getRegistry().lookupByNameAndType("pollSchedule", PollSchedule.class);
        Instant last = schedule == null ? null : schedule.lastClaimed();
        if (last != null) {
            builder.detail("lastPeriodPolledHere", last.toString());
        }
        builder.message(leader ? "this instance (" + property("poll.instance-id") + ") polls"
                : "another instance polls" + leaderId().map(id -> " (" + id + ")").orElse("") + ", this one waits to take over");
    }
}
