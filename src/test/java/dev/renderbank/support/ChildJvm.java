package dev.renderbank.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.assertj.core.api.Assertions;
import org.awaitility.Awaitility;

/**
 * Starts a class's {@code main} in a separate JVM, as an operator would start the jar, so a test
 * can kill it with SIGKILL, start it twice, or watch its exit code. Output goes to a file (a pipe
 * would die with this JVM and is not what a service has either).
 */
public final class ChildJvm {

    private final Process process;
    private final Path log;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * @param withTestClasses false runs the application as shipped: main classes and dependencies,
     *     no test classes or test resources
     */
    public static ChildJvm start(Path log, boolean withTestClasses, String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xmx512m",
                "-cp",
                classpath(withTestClasses),
                mainClass));
        command.addAll(Arrays.asList(args));
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            return new ChildJvm(p, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The class path of this test run (surefire passes it in a property; the JVM's may be a manifest jar). */
    static String classpath(boolean withTestClasses) {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(cp.split(File.pathSeparator))
                .filter(entry -> withTestClasses || !entry.replace('\\', '/').endsWith("/test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    /**
     * Waits until the service answers {@code /actuator/health} with 200; fails with its output if it
     * exits first or takes longer than {@code max}.
     */
    public void awaitUp(Api api, Duration max) {
        Awaitility.await()
                .atMost(max)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> !process.isAlive() || health(api) == 200);
        Assertions.assertThat(process.isAlive()).as(tail()).isTrue();
    }

    private static int health(Api api) {
        try {
            return api.get("/actuator/health", null).status();
        } catch (IllegalStateException down) {
            return -1;
        }
    }

    /** Stops it politely if it still runs (SIGTERM), with SIGKILL after 30 s. */
    public void stop() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** A port nothing listens on right now. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** The last lines of the output, for an assertion message. */
    public String tail() {
        String[] lines = output().split("\n");
        return String.join("\n", Arrays.copyOfRange(lines, Math.max(0, lines.length - 60), lines.length));
    }
}
