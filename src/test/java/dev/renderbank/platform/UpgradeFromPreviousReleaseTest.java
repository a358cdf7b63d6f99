package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.RenderbankApplication;
import dev.renderbank.support.Api;
import dev.renderbank.support.BrowserSession;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.MigrationVersion;
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
 * image generated and charged (5 credits).
 *
 * <p>{@code upgrade/release-2026-12-07-d8b5bda8.sql} is the release d8b5bda8 (Flyway 2026.12.23.0900),
 * made like this:
 *
 * <pre>
 * git worktree add ../upgrade-old d8b5bda8 &amp;&amp; (cd ../upgrade-old &amp;&amp; ./mvnw -o -B -q -DskipTests package)
 * pg-throwaway start 55437          # a throwaway Debian PostgreSQL 15 (initdb, trust, port 55437)
 * java -jar ../upgrade-old/target/renderbank.jar \
 *   --spring.datasource.url=jdbc:postgresql://127.0.0.1:55437/postgres \
 *   --spring.datasource.username=postgres --spring.datasource.password=postgres \
 *   --server.port=18437 --renderbank.public-url=http://localhost:18437 --renderbank.data-dir=/tmp/upgrade-dump-data \
 *   --renderbank.demo.api-token=test-demo-token-0123456789abcdef \
 *   --renderbank.demo.admin-token=test-admin-token-0123456789abcdef \
 *   --renderbank.webhooks.allow-private-hosts=true
 * </pre>
 *
 * then, with curl and a cookie jar, as a browser and an API client would (simulator, simulated
 * payments): {@code alice@example.com} signed up on {@code /signup} and opened the verification link
 * from the log; signed in on {@code /login} (her browser's {@code rb_signin_device}: a
 * {@code login_device} row); a second browser failed six sign-ins of hers and two of an unknown
 * address ({@code login_throttle_account}) and asked {@code /password/forgot} for her
 * ({@code request_limit}); she created an API token ({@code POST /api/v1/tokens} with the session),
 * registered the webhook endpoint {@code https://127.0.0.1:9/hooks/renderbank} (nothing listens
 * there; the machine resolves no public name, hence {@code allow-private-hosts}), paid pack-500 and
 * pro-monthly on the simulated checkout, opened a pack-200 checkout and left it; she and the demo
 * user each generated a flux-dev image (completed, 5 credits; her endpoint's deliveries failed, so
 * it has {@code failing_since}). The app was stopped by its pid and the database dumped with
 * {@code pg_dump --inserts --no-owner -h 127.0.0.1 -p 55437 -U postgres postgres}; pg_dump's
 * <code>&#92;restrict</code>/<code>&#92;unrestrict</code> lines (psql meta-commands, which {@link #load} cannot run)
 * were deleted with {@code sed '/^\\\(un\)\?restrict /d'} and a header comment added.
 *
 * <p>Add a new dump at each release, made the same way (rows in every table its migrations change);
 * keep the old ones.
 */
class UpgradeFromPreviousReleaseTest {

    static final String DEMO_TOKEN = "test-demo-token-0123456789abcdef";
    /** Signed up, verified and given her API token through the pages of d8b5bda8 (its dump). */
    static final String ALICE = "alice@example.com";

    static final String ALICE_PASSWORD = "Upgrade-Alice-2026!";
    static final String ALICE_TOKEN = "rb_ggtH_cBMmquElFnjY04kFPkFTrsUT-fhYqhFLCwafFg";
    /** Her throttle key in d8b5bda8: the plain hex SHA-256 of her address. */
    static final String ALICE_PLAIN_KEY = "ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976";

    @Test
    void theRelease20261125DatabaseMigratesAndKeepsItsCredits() throws Exception {
        String url = SharedPostgres.newDatabase();
        load(url, "/upgrade/release-2026-11-25.sql");
        List<String> before = appliedVersions(url);
        assertThat(before).contains("1.6.1");

        int port = freePort();
        Path dataDir = Files.createTempDirectory("renderbank-upgrade");
        try (ConfigurableApplicationContext app = start(url, port, dataDir)) {
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

    /**
     * The release d8b5bda8's database, with rows in the tables this release's migrations change: the
     * plain-keyed sign-in throttle, known browser and per-address request limits (deleted by
     * identity/V2026_12_24_1410), a paid plan period and checkouts (columns and CHECK constraints
     * added), a failing webhook endpoint (a column added).
     */
    @Test
    void theReleaseD8b5bda8DatabaseMigratesKeepsWhatUsersHadAndRunsClean() throws Exception {
        String url = SharedPostgres.newDatabase();
        load(url, "/upgrade/release-2026-12-07-d8b5bda8.sql");
        List<String> before = appliedVersions(url);
        assertThat(before).last().isEqualTo("2026.12.23.0900");
        assertThat(count(url, "select count(*) from login_throttle_account")).isEqualTo(2);
        assertThat(count(url, "select count(*) from login_device")).isEqualTo(1);
        assertThat(count(url, "select count(*) from request_limit where bucket like '%:address:%'"))
                .isEqualTo(2);
        List<String> demoHistory = ledgerLines(url, 1);
        List<String> aliceHistory = ledgerLines(url, 3);
        Instant started = Instant.now();

        int port = freePort();
        Path dataDir = Files.createTempDirectory("renderbank-upgrade");
        try (ConfigurableApplicationContext app = start(url, port, dataDir)) {
            List<String> after = appliedVersions(url);
            assertThat(after).startsWith(before.toArray(String[]::new)).doesNotContainNull();
            List<String> added = after.subList(before.size(), after.size());
            assertThat(added)
                    .contains("2026.12.24.1410")
                    .allSatisfy(v -> assertThat(MigrationVersion.fromVersion(v))
                            .as("a new migration sorts above the dump's latest applied version")
                            .isGreaterThan(MigrationVersion.fromVersion(before.get(before.size() - 1))));

            // the plain-keyed throttle rows are gone, before anyone signed in
            assertThat(count(url, "select count(*) from login_throttle_account"))
                    .isZero();
            assertThat(count(url, "select count(*) from login_device")).isZero();
            assertThat(count(url, "select count(*) from request_limit where bucket like '%:address:%'"))
                    .isZero();

            Api api = new Api(port);
            assertThat(api.get("/actuator/health", null).body()).contains("\"status\":\"UP\"");
            assertCredits(api, DEMO_TOKEN, 995, demoHistory);
            assertCredits(api, ALICE_TOKEN, 1010, aliceHistory);

            Api.Response endpoints = api.get("/api/v1/webhook-endpoints", ALICE_TOKEN);
            assertThat(endpoints.status()).isEqualTo(200);
            assertThat(endpoints.json().get("items")).singleElement().satisfies(e -> {
                assertThat(e.get("id").asString()).isEqualTo("we_dd6a7ebfae5fe43659334dbc");
                assertThat(e.get("url").asString()).isEqualTo("https://127.0.0.1:9/hooks/renderbank");
                assertThat(e.get("disabledAt").isNull()).isTrue();
            });

            // sign-in through the form still works (her failures were forgotten with the old keys),
            // and the browser is known again under the new key
            BrowserSession alice = BrowserSession.signIn(port, ALICE, ALICE_PASSWORD);
            assertThat(count(url, "select count(*) from login_device where account <> '" + ALICE_PLAIN_KEY + "'"))
                    .isEqualTo(1);
            String account = alice.get("/account").body();
            assertThat(account).contains("500 credits every month").contains("$19.90");

            Api.Response accepted = api.post(
                    "/api/v1/generate-image", ALICE_TOKEN, "{\"model\":\"flux-dev\",\"prompt\":\"after the upgrade\"}");
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            assertThat(api.awaitTerminal(accepted.json().get("taskId").asString(), ALICE_TOKEN)
                            .get("status")
                            .asString())
                    .isEqualTo("completed");
            assertThat(api.get("/api/v1/credits", ALICE_TOKEN)
                            .json()
                            .get("balance")
                            .asLong())
                    .isEqualTo(1005);

            // what an operator checks after an upgrade: no background task failed, health UP
            assertThat(count(
                            url,
                            "select count(*) from scheduled_tasks where consecutive_failures > 0"
                                    + " or last_failure >= '" + started + "'"))
                    .as("durable tasks failed since the upgrade")
                    .isZero();
            assertThat(api.get("/actuator/health", null).status()).isEqualTo(200);
        }
    }

    private static void assertCredits(Api api, String token, long balance, List<String> history) {
        Api.Response credits = api.get("/api/v1/credits", token);
        assertThat(credits.status()).isEqualTo(200);
        assertThat(credits.json().get("balance").asLong()).isEqualTo(balance);
        assertThat(credits.json().get("held").asLong()).isZero();
        Api.Response page = api.get("/api/v1/credits/history?limit=200", token);
        assertThat(page.status()).isEqualTo(200);
        List<String> lines = new ArrayList<>();
        page.json()
                .get("items")
                .forEach(e -> lines.add(e.get("id").asLong() + " "
                        + e.get("kind").asString() + " " + e.get("amount").asLong() + " "
                        + e.get("reference").asString()));
        assertThat(lines).isEqualTo(history);
    }

    private static ConfigurableApplicationContext start(String url, int port, Path dataDir) {
        return new SpringApplicationBuilder(RenderbankApplication.class)
                .profiles("test")
                .run(
                        "--spring.datasource.url=" + url,
                        "--spring.datasource.username=postgres",
                        "--spring.datasource.password=postgres",
                        "--server.port=" + port,
                        "--renderbank.public-url=http://localhost:" + port,
                        "--renderbank.data-dir=" + dataDir,
                        "--renderbank.demo.enabled=false",
                        "--renderbank.simulator.image-duration=200ms");
    }

    /** A user's ledger entries newest first, as the history API lists them (id, kind, amount, reference). */
    private static List<String> ledgerLines(String url, long userId) throws Exception {
        List<String> lines = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select id, kind, amount, ref_key from ledger_entry where user_id = "
                        + userId + " order by id desc")) {
            while (rs.next()) {
                lines.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getLong(3) + " " + rs.getString(4));
            }
        }
        assertThat(lines).isNotEmpty();
        return lines;
    }

    private static long count(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
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
