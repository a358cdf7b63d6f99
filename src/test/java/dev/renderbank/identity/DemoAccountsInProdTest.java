package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.RenderbankApplication;
import dev.renderbank.identity.internal.UserStore;
import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.support.SharedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A development data directory reused under {@code prod}: the demo users and their tokens already
 * in the database must stop working (issue 9, item 4), and operators must hear about it.
 */
class DemoAccountsInProdTest {

    private static final String DEMO_TOKEN = "test-demo-token-0123456789abcdef";
    private static final String ADMIN_TOKEN = "test-admin-token-0123456789abcdef";

    @Test
    void demoUsersAndTokensLeftInTheDatabaseAreDisabledWhenProdStarts(@TempDir Path dataDir) throws Exception {
        String db = SharedPostgres.newDatabase();
        seedAsADevelopmentRunDoes(db);
        try (ConfigurableApplicationContext prod = start(
                db,
                dataDir,
                "prod",
                "--renderbank.public-url=https://renderbank.example.com",
                "--renderbank.accounts.address-hash-secret=kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
                "--renderbank.provider.kie.api-key=live-kie-key",
                "--renderbank.provider.kie.base-url=http://127.0.0.1:9",
                "--renderbank.payments.provider=stripe",
                "--STRIPE_API_KEY=sk_live_demo_in_prod",
                "--STRIPE_WEBHOOK_SECRET=whsec_demo_in_prod",
                "--renderbank.signup.enabled=false")) {
            Users users = prod.getBean(Users.class);
            assertThat(users.authenticateToken(DEMO_TOKEN)).isEmpty();
            assertThat(users.authenticateToken(ADMIN_TOKEN)).isEmpty();
            UserStore store = prod.getBean(UserStore.class);
            assertThat(store.principalByEmail("demo@renderbank.local"))
                    .hasValueSatisfying(u -> assertThat(u.isEnabled()).isFalse());
            assertThat(store.principalByEmail("admin@renderbank.local"))
                    .hasValueSatisfying(u -> assertThat(u.isEnabled()).isFalse());
            assertThat(prod.getBean(OperatorAlerts.class).recent(10))
                    .anyMatch(a -> a.kind().equals("demo-accounts.disabled"));
        }
    }

    /** The schema, then the rows DemoSeeder leaves: the two demo logins, each with a token. */
    private static void seedAsADevelopmentRunDoes(String db) throws Exception {
        Flyway.configure()
                .dataSource(db, "postgres", "postgres")
                .locations("classpath:db/migration")
                .load()
                .migrate();
        try (Connection c = DriverManager.getConnection(db, "postgres", "postgres")) {
            seed(c, DemoAccounts.DEMO_EMAIL, "USER", DEMO_TOKEN);
            seed(c, DemoAccounts.ADMIN_EMAIL, "ADMIN", ADMIN_TOKEN);
        }
    }

    private static void seed(Connection c, String email, String role, String token) throws Exception {
        try (PreparedStatement user = c.prepareStatement(
                        "insert into app_user (email, password_hash, role, email_verified) values (?, 'x', ?, true)"
                                + " returning id");
                PreparedStatement apiToken =
                        c.prepareStatement("insert into api_token (user_id, token_hash, name) values (?, ?, 'demo')")) {
            user.setString(1, email);
            user.setString(2, role);
            ResultSet rs = user.executeQuery();
            rs.next();
            apiToken.setLong(1, rs.getLong(1));
            apiToken.setBytes(2, UserStore.sha256(token));
            apiToken.executeUpdate();
        }
    }

    private static ConfigurableApplicationContext start(String db, Path dataDir, String profile, String... more) {
        String[] args = new String[] {
            "--spring.datasource.url=" + db,
            "--spring.datasource.username=postgres",
            "--spring.datasource.password=postgres",
            "--renderbank.data-dir=" + dataDir,
            "--db-scheduler.enabled=false"
        };
        // prod with Stripe needs each product's own price id (the built-in ones are placeholders)
        String[] prices = java.util.stream.Stream.concat(
                        java.util.stream.Stream.of("pack-200", "pack-500", "pack-1000", "pack-2000", "pack-5000")
                                .map(p -> "--renderbank.catalog.packs." + p + ".stripe-price-id=price_1Real" + p),
                        java.util.stream.Stream.of("pro-monthly", "proplus-monthly", "pro-yearly", "proplus-yearly")
                                .map(p -> "--renderbank.catalog.plans." + p + ".stripe-price-id=price_1Real" + p))
                .toArray(String[]::new);
        String[] all = new String[args.length + prices.length + more.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(prices, 0, all, args.length, prices.length);
        System.arraycopy(more, 0, all, args.length + prices.length, more.length);
        return new SpringApplicationBuilder(RenderbankApplication.class)
                .web(WebApplicationType.NONE)
                .profiles(profile)
                .run(all);
    }
}
