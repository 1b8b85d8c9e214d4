package nc.opt.waits.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.module.scala.DefaultScalaModule$;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Spark's jackson-module-scala refuses a jackson-databind of another minor line; Camel 4.17 brings
 * 2.19, Spark 4.1 2.21. The build pins the whole Jackson family at Spark's line: check that it holds.
 */
class JacksonAlignmentTest {
    @Test
    void jacksonIsOneLineThatSparksScalaModuleAccepts() throws Exception {
        var databind = com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION;
        var scala = com.fasterxml.jackson.module.scala.JacksonModule$.MODULE$.version();
        assertEquals(databind.getMinorVersion(), scala.getMinorVersion(), "databind " + databind + ", scala module " + scala);
        assertEquals(databind.getMinorVersion(), com.fasterxml.jackson.core.json.PackageVersion.VERSION.getMinorVersion());
        // what Spark does on its first job: fails with "Scala module 2.x requires Jackson Databind version ..." on a clash
        ObjectMapper mapper = new ObjectMapper().registerModule(DefaultScalaModule$.MODULE$);
        assertEquals("{\"a\":1}", mapper.writeValueAsString(Map.of("a", 1)));
    }
}
