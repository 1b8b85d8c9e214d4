package nc.opt.waits.support;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A user's shell on a clone of this checkout in a private home (mode 700, as /root is): commands
 * run by bash from the clone, with PATH and HOME only (the home's ~/.m2 is the real one, so that
 * Maven Central's downloads are not repeated), and their output kept under target/test-logs/user/.
 */
public final class UserShell implements AutoCloseable {
    private final Path home;
    private final Path clone;
    private final Path logs;
    private final List<Process> background = new ArrayList<>();

    private UserShell(Path home, Path clone, Path logs) {
        this.home = home;
        this.clone = clone;
        this.logs = logs;
    }

    /**
     * A fresh private home with a clone of this checkout named cloneName: `git clone`, then the
     * working tree's uncommitted changes and new files, so that a developer tests what they see.
     */
    public static UserShell freshClone(String cloneName) throws IOException, InterruptedException {
        Path project = Path.of("").toAbsolutePath();
        Path home = project.resolve("target/user-home");
        Path logs = project.resolve("target/test-logs/user");
        if (Files.isDirectory(home.resolve(cloneName + "/.stack"))) {
            // a run before this one may have left its stack up, and OpenSearch's folder outside
            new UserShell(home, home.resolve(cloneName), logs).run(Duration.ofMinutes(2), "bin/stack down");
            Path openSearch = home.resolve(cloneName + "/.stack/opensearch");
            if (Files.isSymbolicLink(openSearch)) {
                deleteTree(openSearch.toRealPath().getParent());
            }
        }
        deleteTree(home);
        deleteTree(logs);
        Files.createDirectories(home, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        Files.createDirectories(logs);
        Files.createSymbolicLink(home.resolve(".m2"), Path.of(System.getProperty("user.home"), ".m2"));
        Path clone = home.resolve(cloneName);
        UserShell shell = new UserShell(home, clone, logs);
        shell.exec(project, "git", "clone", "-q", project.toString(), clone.toString());
        String diff = shell.exec(project, "git", "diff", "HEAD", "--binary");
        if (!diff.isBlank()) {
            Path patch = logs.resolve("working-tree.patch");
            Files.writeString(patch, diff + "\n");
            shell.exec(clone, "git", "apply", "--whitespace=nowarn", patch.toString());
        }
        for (String added : shell.exec(project, "git", "ls-files", "--others", "--exclude-standard").split("\n")) {
            if (!added.isBlank() && Files.isRegularFile(project.resolve(added))) {
                Files.createDirectories(clone.resolve(added).getParent());
                Files.copy(project.resolve(added), clone.resolve(added));
            }
        }
        return shell;
    }

    public Path clone() {
        return clone;
    }

    public Path log(String name) {
        return logs.resolve(name + ".log");
    }

    /** Runs a command line to its end; its output (stdout and stderr) and exit code. */
    public Result run(Duration timeout, String commandLine) throws IOException, InterruptedException {
        Path out = logs.resolve("command-" + System.nanoTime() + ".log");
        Process process = builder(commandLine).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("`" + commandLine + "` did not return within " + timeout + ":\n" + Files.readString(out));
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        Files.writeString(logs.resolve("commands.log"), "$ " + commandLine + "   (exit " + process.exitValue() + ")\n" + output + "\n",
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        return new Result(process.exitValue(), output);
    }

    /** Starts a command line that runs until stopped (bin/start), its output to log(name). */
    public Process start(String name, String commandLine) throws IOException {
        Process process = builder(commandLine).redirectErrorStream(true).redirectOutput(log(name).toFile()).start();
        background.add(process);
        return process;
    }

    /** Ctrl-C: SIGINT to the process (bin/start execs the Camel CLI), then waits for its end. */
    public int interrupt(Process process, Duration timeout) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).start().waitFor();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("the process did not stop within " + timeout + " of a Ctrl-C");
        }
        return process.exitValue();
    }

    /** Ctrl-C to every background command still running (a test that failed half-way). */
    public void interruptAll() throws IOException, InterruptedException {
        for (Process process : background) {
            if (process.isAlive()) {
                interrupt(process, Duration.ofMinutes(1));
            }
        }
    }

    private ProcessBuilder builder(String commandLine) {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", commandLine).directory(clone.toFile());
        Map<String, String> env = builder.environment();
        String path = env.get("PATH");
        env.clear();
        env.put("PATH", path);
        env.put("HOME", home.toString());
        return builder;
    }

    private String exec(Path dir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed with " + process.exitValue());
        }
        return out;
    }

    /** Stops what is still running: the background commands, then the clone's stack. */
    @Override
    public void close() throws IOException, InterruptedException {
        for (Process process : background) {
            if (process.isAlive()) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
        if (Files.isDirectory(clone.resolve(".stack"))) {
            run(Duration.ofMinutes(2), "bin/stack down");
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (var paths = Files.walk(root)) {
                paths.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    /** A command's exit code and output. */
    public record Result(int exit, String output) {
    }
}
