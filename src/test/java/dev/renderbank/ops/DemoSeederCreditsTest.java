package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

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

/** {@code renderbank.demo.credits=0}: the demo users are seeded with no grant, and the start goes on. */
class DemoSeederCreditsTest extends IntegrationTest {

    @Autowired
    Users users;

    @Autowired
    Ledger ledger;

    @Autowired
    JdbcClient jdbc;

    @Test
    void zeroDemoCreditsSeedTheUsersWithoutAGrant(@TempDir Path dataDir) {
        // the demo user may already exist (seeded at this context's start); its seed grant, if any, stays
        long grantsBefore = demoSeedGrants();
        DemoSeeder seeder = new DemoSeeder(users, ledger, new DemoProperties(true, null, null, 0), dataDir.toString());

        assertThatCode(() -> seeder.run(new DefaultApplicationArguments())).doesNotThrowAnyException();

        assertThat(users.byEmail(DemoSeeder.DEMO_EMAIL)).isPresent();
        assertThat(users.byEmail(DemoSeeder.ADMIN_EMAIL)).isPresent();
        assertThat(demoSeedGrants()).isEqualTo(grantsBefore);
    }

    private long demoSeedGrants() {
        return jdbc.sql("select count(*) from credit_grant where grant_key like 'demo-seed:%'")
                .query(Long.class)
                .single();
    }
}
