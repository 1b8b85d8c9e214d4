package nc.opt.waits.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * How long the test JVM's shutdown hooks (the test Kafka, the test OpenSearch) take, appended to
 * target/test-logs/shutdown.log: the JVM has to exit within failsafe's
 * forkedProcessExitTimeoutInSeconds once the tests are done.
 */
final class ShutdownLog {
    private ShutdownLog() {
    }

    interface Step {
        void run() throws Exception;
    }

    /** Runs the step and writes down how long it took; a failure is written down, not thrown (the JVM is going away). */
    static void timed(String what, Step step) {
        long start = System.nanoTime();
        String outcome;
        try {
            step.run();
            outcome = "";
        } catch (Exception e) {
            outcome = " (failed: " + e + ")";
        }
        write(what + " in " + (System.nanoTime() - start) / 1_000_000 + " ms" + outcome);
    }

    /** Appends a line, with the time, to the log. */
    static void write(String text) {
        try {
            Files.writeString(Path.of("target/test-logs/shutdown.log"), Instant.now() + " " + text + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // nowhere to write it
        }
    }
}
