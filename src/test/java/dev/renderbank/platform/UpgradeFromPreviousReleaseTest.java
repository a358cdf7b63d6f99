package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.RenderbankApplication;
import dev.renderbank.support.Api;
import dev.renderbank.support.SharedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A database made by the previous release (its schema and data, dumped from a real run of it) must
 * start with this release: Flyway applies only the new migrations, none sorts below an applied one,
 * and what the users had is still there and usable.
 *
 * <p>The dump {@code upgrade/release-2026-11-25.sql} was taken with {@code pg_dump --inserts} after
 * the release of 2026-11-25 ran against an empty database: demo users seeded (1,000 credits), one
 * image generated and charged (5 credits). Add a new dump at each release; keep the old ones.
 */
class UpgradeFromPreviousReleaseTest {

    static final String DEMO_TOKEN = "test-demo-token-0123456789abcdef";

    @Test
    void theRelease20261125DatabaseMigratesAndKeepsItsCredits() throws Exception {
        String url = SharedPostgres.newDatabase();
        load(url, "/upgrade/release-2026-11-25.sql");
        List<String> before = appliedVersions(url);
        assertThat(before).contains("1.6.1");

        int port = freePort();
        Path dataDir = Files.createTempDirectory("renderbank-upgrade");
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(RenderbankApplication.class)
                .profiles("test")
                .run(
                        "--spring.datasource.url=" + url,
                        "--spring.datasource.username=postgres",
                        "--spring.datasource.password=postgres",
                        "--server.port=" + port,
                        "--renderbank.public-url=http://localhost:" + port,
                        "--renderbank.data-dir=" + dataDir,
                        "--renderbank.demo.enabled=false",
                        "--renderbank.simulator.image-duration=200ms")) {
            Api api = new Api(port);
            Api.Response credits = api.get("/api/v1/credits", DEMO_TOKEN);
            assertThat(credits.status()).isEqualTo(200);
            assertThat(credits.json().get("balance").asLong()).isEqualTo(995);
            assertThat(credits.json().get("held").asLong()).isZero();

            Api.Response jobs = api.get("/api/v1/generations", DEMO_TOKEN);
            assertThat(jobs.status()).isEqualTo(200);
            assertThat(jobs.body()).contains("\"status\":\"completed\"");

            // the upgraded schema takes new work: a generation is accepted, finished and charged
            Api.Response accepted = api.post(
                    "/api/v1/generate-image", DEMO_TOKEN, "{\"model\":\"flux-dev\",\"prompt\":\"after the upgrade\"}");
            assertThat(accepted.status()).isEqualTo(202);
            assertThat(api.awaitTerminal(accepted.json().get("taskId").asString(), DEMO_TOKEN)
                            .get("status")
                            .asString())
                    .isEqualTo("completed");
            assertThat(api.get("/api/v1/credits", DEMO_TOKEN)
                            .json()
                            .get("balance")
                            .asLong())
                    .isEqualTo(990);
        }

        List<String> after = appliedVersions(url);
        assertThat(after).startsWith(before.toArray(String[]::new));
        assertThat(after).doesNotContainNull();
    }

    private static void load(String url, String resource) throws Exception {
        String sql;
        try (InputStream in = UpgradeFromPreviousReleaseTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Applied versions in the order Flyway applied them. */
    private static List<String> appliedVersions(String url) throws Exception {
        List<String> versions = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "select version from flyway_schema_history where success order by installed_rank")) {
            while (rs.next()) {
                versions.add(rs.getString(1));
            }
        }
        return versions;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
