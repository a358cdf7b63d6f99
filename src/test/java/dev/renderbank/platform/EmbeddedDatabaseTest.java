package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.platform.DatabaseConfig.DatabaseLocation;
import dev.renderbank.support.ChildJvm;
import dev.renderbank.support.SharedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.mock.env.MockEnvironment;

/**
 * The persistent embedded PostgreSQL under {@code renderbank.data-dir} (issue 9, items 19 and 20),
 * started beside the context (issue 15).
 */
class EmbeddedDatabaseTest {

    private final List<Long> startedServers = new ArrayList<>();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    @AfterEach
    void stopLeftovers() {
        // only servers this test started, by pid
        startedServers.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
    }

    private static DatabaseLocation start(Path dataDir) {
        return DatabaseConfig.locate(new MockEnvironment().withProperty("renderbank.data-dir", dataDir.toString()));
    }

    private static String show(Connection c, String setting) throws Exception {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("show " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * A webhook answered 200 is on disk: a machine crash must not lose it (the cluster is created
     * by this very call: initdb's own choices are checked too).
     */
    @Test
    void thePersistentServerKeepsFsyncAndSynchronousCommitOn() throws Exception {
        Path dataDir = tmp;
        try (DatabaseLocation location = start(dataDir);
                Connection c = DriverManager.getConnection(location.url(), location.username(), location.password())) {
            assertThat(show(c, "fsync")).isEqualTo("on");
            assertThat(show(c, "synchronous_commit")).isEqualTo("on");
            assertThat(show(c, "full_page_writes")).isEqualTo("on");
            // a torn or rotten page is noticed, not read as data
            assertThat(show(c, "data_checksums")).isEqualTo("on");
        }
    }

    /**
     * The very first start killed while initdb ran (a container killed, a power cut) leaves a cluster
     * directory that initdb never finished: an empty {@code postgresql.conf} is written before the
     * bootstrap, so every later start skipped initdb and started a server on a half-built cluster,
     * which could not start, until someone removed the directory by hand. A cluster without its
     * control file never held data: it is moved aside and created again.
     */
    @ParameterizedTest(name = "killed {0}")
    @ValueSource(strings = {"before the bootstrap", "after the bootstrap, before the databases"})
    void aClusterThatInitdbNeverFinishedIsCreatedAgain(String when) throws Exception {
        Path dataDir = tmp;
        Path pgDir = dataDir.resolve("postgres");
        Files.createDirectories(pgDir.resolve("base"));
        Files.writeString(pgDir.resolve("PG_VERSION"), "18\n");
        Files.writeString(pgDir.resolve("postgresql.conf"), "");
        if (when.startsWith("after")) {
            // the bootstrap wrote the control file and template1; template0 and postgres come later
            Files.createDirectories(pgDir.resolve("global"));
            Files.write(pgDir.resolve("global").resolve("pg_control"), new byte[8192]);
            Files.createDirectories(pgDir.resolve("base").resolve("1"));
        }
        try (DatabaseLocation location = EmbeddedDatabase.open(dataDir, 0, false, Duration.ofSeconds(20));
                Connection c = DriverManager.getConnection(location.url(), location.username(), location.password())) {
            assertThat(show(c, "fsync")).isEqualTo("on");
        }
        assertThat(Files.exists(pgDir.resolve("global").resolve("pg_control"))).isTrue();
        try (var left = Files.list(dataDir)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .as("the half-built cluster is kept aside, not deleted")
                    .anyMatch(name -> name.startsWith("postgres.incomplete-"));
        }
    }

    /**
     * After a reboot the pid in a stale {@code postmaster.pid} may belong to anything, even another
     * PostgreSQL: only a server of this very directory is ever stopped.
     */
    @Test
    void aPidFileNamingAnotherDirectorysServerNeverStopsThatServer() throws Exception {
        Path otherDir;
        try (Connection c = SharedPostgres.server().getPostgresDatabase().getConnection()) {
            otherDir = Path.of(show(c, "data_directory"));
        }
        long otherServer = Postmaster.read(otherDir).orElseThrow().pid();
        Path pgDir = tmp.resolve("postgres");
        Files.createDirectories(pgDir);
        Files.writeString(
                pgDir.resolve("postmaster.pid"),
                otherServer + "\n" + pgDir + "\n1\n5432\n/tmp\nlocalhost\n0 0\nready\n");

        Postmaster.stopLeftover(pgDir);

        assertThat(ProcessHandle.of(otherServer).map(ProcessHandle::isAlive)).contains(true);
        assertThat(pgDir.resolve("postmaster.pid")).doesNotExist();
    }

    /**
     * The owner was killed with SIGKILL and left its server running: the next start stops that
     * stale server cleanly and comes up on the same data, on its own.
     */
    @Test
    void aServerWhoseOwnerDiedIsStoppedAndTheNextStartComesUpOnTheSameData() throws Exception {
        Path dataDir = tmp;
        Path log = dataDir.resolve("orphan.log");
        ChildJvm owner = ChildJvm.start(
                log,
                true,
                OrphanPostgres.class.getName(),
                dataDir.resolve("postgres").toString());
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() ->
                        owner.output().contains("READY ") || !owner.process().isAlive());
        assertThat(owner.output()).as(owner.tail()).contains("READY ");
        long orphanPid = Long.parseLong(owner.output()
                .lines()
                .filter(l -> l.startsWith("READY "))
                .findFirst()
                .orElseThrow()
                .substring(6)
                .trim());
        startedServers.add(orphanPid);
        owner.process().destroyForcibly().waitFor();
        assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive)).contains(true);

        try (DatabaseLocation location = start(dataDir);
                Connection c = DriverManager.getConnection(location.url(), location.username(), location.password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select note from survivor")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("written before the owner died");
            Optional<ProcessHandle> orphan = ProcessHandle.of(orphanPid);
            assertThat(orphan.isEmpty() || !orphan.get().isAlive()).isTrue();
        }
        assertThat(Files.exists(dataDir.resolve("postgres").resolve("postmaster.pid")))
                .isFalse();
    }

    // The embedded PostgreSQL starts while the context is still being built (start time, issue 15;
    // first start, issue 14): before any bean asks for it, and the data source then uses that server.

    private ConfigurableApplicationContext run(Class<?> config) {
        SpringApplication app = new SpringApplication(config);
        app.setWebApplicationType(WebApplicationType.NONE);
        return app.run("--renderbank.data-dir=" + tmp, "--spring.main.banner-mode=off");
    }

    /** Stands for the beans Spring creates before the data source: it waits for a ready server. */
    @Configuration(proxyBeanMethods = false)
    static class NoDatabaseBean {
        static Path pgDir;

        @Bean
        String waitsForTheServer() {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() ->
                            Postmaster.read(pgDir).filter(Postmaster::ready).isPresent());
            return "ready";
        }
    }

    @Test
    void theServerIsStartingBeforeAnyBeanAsksForItAndStopsWithAContextThatNeverTookIt() {
        Path pgDir = tmp.resolve("postgres");
        NoDatabaseBean.pgDir = pgDir;
        long pid;
        try (ConfigurableApplicationContext context = run(NoDatabaseBean.class)) {
            Postmaster server = Postmaster.read(pgDir).orElseThrow();
            pid = server.pid();
            startedServers.add(pid);
            assertThat(context.getBean("waitsForTheServer")).isEqualTo("ready");
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        assertThat(pgDir.resolve("postmaster.pid")).doesNotExist();
    }

    @Configuration(proxyBeanMethods = false)
    @Import(DatabaseConfig.class)
    static class WithDatabaseConfig {}

    @Test
    void theDataSourceUsesTheServerStartedEarlyAndTheContextStopsIt() throws Exception {
        Path pgDir = tmp.resolve("postgres");
        long pid;
        try (ConfigurableApplicationContext context = run(WithDatabaseConfig.class)) {
            Postmaster server = Postmaster.read(pgDir).orElseThrow();
            pid = server.pid();
            startedServers.add(pid);
            DatabaseLocation location = context.getBean(DatabaseLocation.class);
            assertThat(location.isEmbedded()).isTrue();
            assertThat(location.url()).contains("localhost:" + server.port() + "/");
            assertThat(context.getBean(EmbeddedDatabaseEarlyStart.BEAN)).isNotNull();
            try (var c = context.getBean(javax.sql.DataSource.class).getConnection();
                    var rs = c.createStatement().executeQuery("show fsync")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("on");
            }
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }
}
