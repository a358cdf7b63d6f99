package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.identity.ApiTokens;
import dev.renderbank.identity.DemoProperties;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.support.Api;
import dev.renderbank.support.BrowserSession;
import dev.renderbank.support.IntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Nodes with their own data directories on one database: the demo logins any of them printed keep
 * working. A database of its own, without the demo logins the shared test context seeds.
 */
@TestPropertySource(properties = "renderbank.demo.enabled=false")
class DemoSeederNodesTest extends IntegrationTest {

    @Autowired
    Users users;

    @Autowired
    ApiTokens tokens;

    @Autowired
    Ledger ledger;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    @LocalServerPort
    int port;

    /**
     * Two nodes start at once on an empty database: one creates the demo logins and keeps them, the
     * other finds them created and leaves them (it printed a password it never stored, or gave them a
     * new one, and the first node's logins stopped working). A node whose own file lost them (a start
     * killed before writing it) still gives them a new password, which works.
     */
    @Test
    void theDemoLoginsAnyNodePrintedKeepWorking(@TempDir Path first, @TempDir Path second) throws Exception {
        DemoSeeder one = seeder(first);
        DemoSeeder two = seeder(second);
        CompletableFuture<Void> a;
        CompletableFuture<Void> b;
        try (Connection held = dataSource.getConnection();
                Statement s = held.createStatement()) {
            // both wait for the seeding lock, then go one after the other
            s.execute("select pg_advisory_lock(hashtextextended('ops-demo-seed', 0))");
            a = CompletableFuture.runAsync(() -> run(one));
            b = CompletableFuture.runAsync(() -> run(two));
            // (a seeder that does not wait for it runs at once, at the same moment as the other)
            CompletableFuture<Void> both = CompletableFuture.allOf(a, b);
            await().atMost(Duration.ofSeconds(30)).until(() -> both.isDone() || waiting() >= 2);
            s.execute("select pg_advisory_unlock(hashtextextended('ops-demo-seed', 0))");
        }
        CompletableFuture.allOf(a, b).get(60, TimeUnit.SECONDS);

        Optional<String[]> inFirst = demoLogin(first);
        Optional<String[]> inSecond = demoLogin(second);
        assertThat(inFirst.isPresent() ^ inSecond.isPresent())
                .as("one node keeps the demo login, the other points to it")
                .isTrue();
        Path keeper = inFirst.isPresent() ? first : second;
        DemoSeeder other = inFirst.isPresent() ? two : one;
        String[] login = inFirst.orElseGet(inSecond::orElseThrow);
        assertWorks(login);

        other.run(new DefaultApplicationArguments());
        assertThat(demoLogin(keeper == first ? second : first)).isEmpty();
        assertWorks(login);

        Files.delete(keeper.resolve("demo-credentials.txt"));
        (keeper == first ? one : two).run(new DefaultApplicationArguments());
        String[] renewed = demoLogin(keeper).orElseThrow();
        assertThat(renewed[0]).as("a new password").isNotEqualTo(login[0]);
        assertWorks(renewed);
    }

    private long waiting() {
        return jdbc.sql("select count(*) from pg_locks where locktype = 'advisory' and not granted")
                .query(Long.class)
                .single();
    }

    private DemoSeeder seeder(Path dataDir) {
        return new DemoSeeder(
                users, tokens, ledger, new DemoProperties(true, null, null, 100), tx, jdbc, dataDir.toString());
    }

    private static void run(DemoSeeder seeder) {
        try {
            seeder.run(new DefaultApplicationArguments());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The demo user's password and API token the node's file keeps, if any. */
    private static Optional<String[]> demoLogin(Path dataDir) throws Exception {
        Path file = dataDir.resolve("demo-credentials.txt");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(file).stream()
                .filter(l -> l.startsWith(DemoSeeder.DEMO_EMAIL))
                .toList();
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        String[] words = lines.get(lines.size() - 1).strip().split("\\s+");
        return Optional.of(new String[] {words[2], words[words.length - 1]});
    }

    private void assertWorks(String[] login) throws Exception {
        assertThat(BrowserSession.signIn(port, DemoSeeder.DEMO_EMAIL, login[0])
                        .get("/account")
                        .statusCode())
                .as("the printed password signs in")
                .isEqualTo(200);
        assertThat(new Api(port).get("/api/v1/credits", login[1]).status())
                .as("the printed token works")
                .isEqualTo(200);
    }
}
