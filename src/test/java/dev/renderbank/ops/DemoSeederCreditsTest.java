package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.renderbank.identity.ApiTokens;
import dev.renderbank.identity.DemoProperties;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.support.IntegrationTest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** {@code renderbank.demo.credits=0}: the demo users are seeded with no grant, and the start goes on. */
class DemoSeederCreditsTest extends IntegrationTest {

    @Autowired
    Users users;

    @Autowired
    Ledger ledger;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ApiTokens tokens;

    @Autowired
    TransactionTemplate tx;

    @Test
    void zeroDemoCreditsSeedTheUsersWithoutAGrant(@TempDir Path dataDir) {
        // the demo user may already exist (seeded at this context's start); its seed grant, if any, stays
        long grantsBefore = demoSeedGrants();
        DemoSeeder seeder = seeder(dataDir, 0);

        assertThatCode(() -> seeder.run(new DefaultApplicationArguments())).doesNotThrowAnyException();

        assertThat(users.byEmail(DemoSeeder.DEMO_EMAIL)).isPresent();
        assertThat(users.byEmail(DemoSeeder.ADMIN_EMAIL)).isPresent();
        assertThat(demoSeedGrants()).isEqualTo(grantsBefore);
    }

    /**
     * Another node (its own data directory) on the database whose demo logins this context's start
     * created and kept in its own file: it finds them missing from its file and leaves them, writing
     * nothing. Before, it gave them a new password and token, and the logins the first node printed
     * stopped working. (A node's own file that lost them: {@link DemoSeederNodesTest}.)
     */
    @Test
    void aNodeLeavesTheDemoLoginsAnotherNodeKeeps(@TempDir Path dataDir) throws Exception {
        assertThat(users.byEmail(DemoSeeder.DEMO_EMAIL))
                .as("seeded at this context's start")
                .isPresent();
        String before = passwordHash();

        seeder(dataDir, 0).run(new DefaultApplicationArguments());

        assertThat(passwordHash()).as("the demo password is left as it was").isEqualTo(before);
        assertThat(dataDir.resolve("demo-credentials.txt")).doesNotExist();
    }

    private String passwordHash() {
        return jdbc.sql("select password_hash from app_user where id = :id")
                .param("id", users.byEmail(DemoSeeder.DEMO_EMAIL).orElseThrow().id())
                .query(String.class)
                .single();
    }

    private DemoSeeder seeder(Path dataDir, long credits) {
        return new DemoSeeder(
                users, tokens, ledger, new DemoProperties(true, null, null, credits), tx, jdbc, dataDir.toString());
    }

    private long demoSeedGrants() {
        return jdbc.sql("select count(*) from credit_grant where grant_key like 'demo-seed:%'")
                .query(Long.class)
                .single();
    }
}
