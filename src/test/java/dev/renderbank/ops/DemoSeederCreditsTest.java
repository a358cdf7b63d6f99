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

    /**
     * A first start killed after creating the demo accounts and before writing the credentials file:
     * the next start finds the accounts and no file. Their logins are written then, with a new
     * password and token that work; before, nothing was written and nobody could sign in as them.
     */
    @Test
    void demoLoginsMissingFromTheCredentialsFileAreWrittenAgainAndWork(@TempDir Path dataDir) throws Exception {
        assertThat(users.byEmail(DemoSeeder.DEMO_EMAIL))
                .as("seeded at this context's start")
                .isPresent();
        DemoSeeder seeder = new DemoSeeder(users, ledger, new DemoProperties(true, null, null, 0), dataDir.toString());

        seeder.run(new DefaultApplicationArguments());

        java.util.List<String> lines = java.nio.file.Files.readAllLines(dataDir.resolve("demo-credentials.txt"));
        String demo = lines.stream()
                .filter(l -> l.startsWith(DemoSeeder.DEMO_EMAIL))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no demo login in " + lines));
        String[] words = demo.strip().split("\\s+");
        String password = words[2];
        String token = words[words.length - 1];
        assertThat(dev.renderbank.support.BrowserSession.signIn(port, DemoSeeder.DEMO_EMAIL, password)
                        .get("/account")
                        .statusCode())
                .as("the written password signs in")
                .isEqualTo(200);
        assertThat(new dev.renderbank.support.Api(port)
                        .get("/api/v1/credits", token)
                        .status())
                .as("the written token works")
                .isEqualTo(200);

        seeder.run(new DefaultApplicationArguments());
        assertThat(java.nio.file.Files.readAllLines(dataDir.resolve("demo-credentials.txt")))
                .as("written once: a later start finds them there")
                .hasSameSizeAs(lines);
    }

    @org.springframework.boot.test.web.server.LocalServerPort
    int port;

    private long demoSeedGrants() {
        return jdbc.sql("select count(*) from credit_grant where grant_key like 'demo-seed:%'")
                .query(Long.class)
                .single();
    }
}
