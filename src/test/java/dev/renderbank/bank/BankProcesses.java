package dev.renderbank.bank;

import dev.renderbank.platform.ServerWatchdogs;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * The real processes of a bank run: one PostgreSQL server from the embedded binaries the project
 * already brings (zonky's, run standalone on a data directory under {@code dir}), and N app nodes,
 * each the packaged jar in its own JVM on its own port, all on that one database. Nodes can be
 * killed with SIGKILL and started again; the database can be stopped and started on the same port
 * and data. {@link #close()} ends everything this object started, also when the run failed.
 */
final class BankProcesses implements AutoCloseable {

    /** The Creem webhook secret the nodes are given, so the bank test can sign purchases. */
    static final String CREEM_SECRET = "whsec_bank_test_creem_secret";

    private final Path dir;
    private final Path jar;
    private final List<String> extraArgs;
    private final int pgPort = freePort();
    private final int closedSmtpPort = freePort();
    private final List<Node> nodes = new ArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private EmbeddedPostgres pg;
    /** Stops the server if this JVM is killed (SIGKILL included): it must not outlive the bank test. */
    private Optional<AutoCloseable> watchdog = Optional.empty();

    BankProcesses(Path dir, Path jar, List<String> extraArgs) {
        this.dir = dir.toAbsolutePath();
        this.jar = jar.toAbsolutePath();
        this.extraArgs = List.copyOf(extraArgs);
        Runtime.getRuntime().addShutdownHook(new Thread(this::close));
    }

    /** An app node: its port, data directory and (while it runs) process. */
    static final class Node {
        final int index;
        final int port = freePort();
        volatile Process process;
        volatile int starts;

        Node(int index) {
            this.index = index;
        }

        String baseUrl() {
            return "http://127.0.0.1:" + port;
        }

        boolean alive() {
            return process != null && process.isAlive();
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized void startDatabase() throws IOException {
        pg = EmbeddedPostgres.builder()
                .setDataDirectory(dir.resolve("postgres"))
                .setCleanDataDirectory(false)
                .setPort(pgPort)
                .setPGStartupWait(Duration.ofMinutes(2))
                .setServerConfig("max_connections", "300")
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("postgres.log").toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("postgres.log").toFile()))
                .start();
        watchdog = ServerWatchdogs.watch(dir.resolve("postgres"));
    }

    /** PostgreSQL's fast shutdown: sessions are cut, nothing committed is lost. */
    synchronized void stopDatabase() throws IOException {
        if (pg != null) {
            pg.close();
            pg = null;
            watchdog.ifPresent(w -> {
                try {
                    w.close(); // the server is stopped: it finds nothing of its own and exits
                } catch (Exception ignored) {
                    // it exits with this JVM at the latest
                }
            });
            watchdog = Optional.empty();
        }
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres?user=postgres";
    }

    Node addNode() {
        Node node = new Node(nodes.size());
        nodes.add(node);
        return node;
    }

    List<Node> nodes() {
        return nodes;
    }

    void start(Node node) throws IOException {
        Path data = dir.resolve("node-" + node.index);
        Files.createDirectories(data);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jar.toString(),
                "--server.port=" + node.port,
                "--renderbank.data-dir=" + data,
                "--spring.mail.host=127.0.0.1",
                "--spring.mail.port=" + closedSmtpPort));
        command.addAll(extraArgs);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("node-" + node.index + ".log").toFile()));
        builder.environment().put("DATABASE_URL", jdbcUrl());
        builder.environment().put("CREEM_WEBHOOK_SECRET", CREEM_SECRET);
        node.process = builder.start();
        node.starts++;
    }

    /** Waits until the node answers its health check (it has migrated and started). */
    void awaitUp(Node node, Duration within) {
        Awaitility.await("node " + node.index + " healthy")
                .atMost(within)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> healthy(node));
    }

    private boolean healthy(Node node) throws InterruptedException {
        if (!node.alive()) {
            throw new IllegalStateException("node " + node.index + " exited with " + node.process.exitValue() + "; see "
                    + dir.resolve("node-" + node.index + ".log"));
        }
        try {
            HttpResponse<Void> health = http.send(
                    HttpRequest.newBuilder(URI.create(node.baseUrl() + "/actuator/health"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return health.statusCode() == 200;
        } catch (IOException e) {
            return false; // not listening yet
        }
    }

    /** SIGKILL: no shutdown hook, no graceful drain, in-flight requests and tasks cut off. */
    void kill(Node node) throws InterruptedException {
        node.process.destroyForcibly();
        node.process.waitFor(30, TimeUnit.SECONDS);
    }

    long pid(Node node) {
        return node.process.pid();
    }

    @Override
    public synchronized void close() {
        for (Node node : nodes) {
            if (node.process != null && node.process.isAlive()) {
                node.process.destroyForcibly();
                try {
                    node.process.waitFor(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        try {
            stopDatabase();
        } catch (IOException e) {
            System.err.println("could not stop PostgreSQL: " + e);
        }
    }
}
