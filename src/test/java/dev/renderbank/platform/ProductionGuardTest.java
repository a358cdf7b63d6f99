package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.renderbank.RenderbankApplication;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.mock.env.MockEnvironment;

class ProductionGuardTest {

    static final List<String> PACKS = List.of("pack-200", "pack-500", "pack-1000", "pack-2000", "pack-5000");
    static final List<String> PLANS = List.of("pro-monthly", "proplus-monthly", "pro-yearly", "proplus-yearly");

    /** Everything prod needs; each test breaks one thing. */
    private static MockEnvironment productionReady() {
        return withRealProductIds(new MockEnvironment())
                .withProperty("renderbank.demo.enabled", "false")
                .withProperty("renderbank.provider.kie.api-key", "kie-key-from-env")
                .withProperty("renderbank.payments.provider", "stripe")
                .withProperty("STRIPE_API_KEY", "sk_live_from_env")
                .withProperty("STRIPE_WEBHOOK_SECRET", "whsec_from_env")
                .withProperty("renderbank.public-url", "https://renderbank.example.com")
                .withProperty("renderbank.accounts.address-hash-secret", "k".repeat(40))
                .withProperty("spring.mail.host", "smtp.example.com")
                .withProperty("renderbank.mail.from", "renderbank <no-reply@renderbank.example.com>")
                .withProperty("DATABASE_URL", "postgres://rb:secret@db.internal:5432/renderbank");
    }

    /** Every built-in pack and plan with a Stripe price id and a Creem product id of its own. */
    private static MockEnvironment withRealProductIds(MockEnvironment env) {
        for (String pack : PACKS) {
            env.setProperty("renderbank.catalog.packs." + pack + ".stripe-price-id", "price_1Real" + pack);
            env.setProperty("renderbank.catalog.packs." + pack + ".creem-product-id", "prod_Real" + pack);
        }
        for (String plan : PLANS) {
            env.setProperty("renderbank.catalog.plans." + plan + ".stripe-price-id", "price_1Real" + plan);
            env.setProperty("renderbank.catalog.plans." + plan + ".creem-product-id", "prod_Real" + plan);
        }
        return env;
    }

    /**
     * Real payments without their webhook secret refuse every webhook, so paid purchases would wait
     * for reconciliation: prod does not start like that (nor without the API key checkout needs).
     * The provider is read as the app binds it (any letter case).
     */
    @Test
    void realPaymentsNeedTheirSecrets() {
        MockEnvironment stripe = productionReady().withProperty("renderbank.payments.provider", "Stripe");
        assertThat(ProductionGuard.problems(stripe)).isEmpty();
        stripe.setProperty("STRIPE_WEBHOOK_SECRET", " ");
        assertThat(ProductionGuard.problems(stripe)).singleElement().asString().contains("STRIPE_WEBHOOK_SECRET");

        MockEnvironment creem = productionReady()
                .withProperty("renderbank.payments.provider", "CREEM")
                .withProperty("CREEM_API_KEY", "creem_live_from_env");
        assertThat(ProductionGuard.problems(creem)).singleElement().asString().contains("CREEM_WEBHOOK_SECRET");
        creem.setProperty("CREEM_WEBHOOK_SECRET", "creem-secret-from-env");
        assertThat(ProductionGuard.problems(creem)).isEmpty();
        creem.setProperty("CREEM_API_KEY", "");
        assertThat(ProductionGuard.problems(creem)).singleElement().asString().contains("CREEM_API_KEY");
    }

    /**
     * After a switch to Creem, Stripe's webhooks are still processed while its secret is set (its
     * renewals, refunds and disputes). Without its API key a refund was moved to the refunded total
     * the event itself carried: a redelivered older refund event (a lower total) read as a failed
     * refund and gave the credits of a refunded charge back.
     */
    @Test
    void stripeWebhooksKeptAfterASwitchNeedStripesApiKey() {
        MockEnvironment creem = productionReady()
                .withProperty("renderbank.payments.provider", "creem")
                .withProperty("CREEM_API_KEY", "creem_live_key")
                .withProperty("CREEM_WEBHOOK_SECRET", "creem-secret");
        assertThat(ProductionGuard.problems(creem))
                .as("Stripe's key kept as well")
                .isEmpty();
        withoutKey(creem, "STRIPE_API_KEY");
        assertThat(ProductionGuard.problems(creem))
                .singleElement()
                .asString()
                .contains("STRIPE_API_KEY", "STRIPE_WEBHOOK_SECRET");
        withoutKey(creem, "STRIPE_WEBHOOK_SECRET");
        assertThat(ProductionGuard.problems(creem))
                .as("Stripe's webhooks no longer processed")
                .isEmpty();
    }

    /**
     * After a switch from Creem to Stripe (README: keep the former provider's webhook secret until its
     * subscriptions have ended), Creem's webhooks are still processed while its secret is set, and its
     * plans still renew there. Without CREEM_API_KEY such a plan cannot be cancelled: its user's cancel
     * answered 503 every time, and an account deletion's cancellation failed for ever while Creem went
     * on charging the deleted customer every month. prod refused that only for Stripe's secret.
     */
    @Test
    void creemWebhooksKeptAfterASwitchNeedCreemsApiKey() {
        MockEnvironment stripe = productionReady().withProperty("CREEM_WEBHOOK_SECRET", "creem-secret");
        assertThat(ProductionGuard.problems(stripe))
                .singleElement()
                .asString()
                .contains("CREEM_API_KEY", "CREEM_WEBHOOK_SECRET", "cancel");
        stripe.setProperty("CREEM_API_KEY", " ");
        assertThat(ProductionGuard.problems(stripe))
                .as("a blank key is no key")
                .singleElement()
                .asString()
                .contains("CREEM_API_KEY");
        stripe.setProperty("CREEM_API_KEY", "creem_live_key");
        assertThat(ProductionGuard.problems(stripe))
                .as("Creem's key kept as well")
                .isEmpty();
        withoutKey(stripe, "CREEM_API_KEY");
        withoutKey(stripe, "CREEM_WEBHOOK_SECRET");
        assertThat(ProductionGuard.problems(stripe))
                .as("Creem's webhooks no longer processed")
                .isEmpty();
    }

    /**
     * A provider's test mode in prod: anyone pays with a test card and gets credits that buy real
     * provider jobs. Test-mode keys and any API address other than the live one are refused, unless
     * a staging run says so with renderbank.payments.allow-test-mode-in-prod.
     */
    @Test
    void realPaymentsAreNotInTestMode() {
        for (String key : List.of("sk_test_x", "rk_test_x")) {
            MockEnvironment stripe = productionReady().withProperty("STRIPE_API_KEY", key);
            assertThat(ProductionGuard.problems(stripe))
                    .as(key)
                    .singleElement()
                    .asString()
                    .contains("STRIPE_API_KEY", "test-mode");
            stripe.setProperty("renderbank.payments.allow-test-mode-in-prod", "true");
            assertThat(ProductionGuard.problems(stripe))
                    .as(key + " with the opt-in")
                    .isEmpty();
        }
        MockEnvironment stripeApi =
                productionReady().withProperty("renderbank.payments.stripe.api-base", "http://localhost:12111");
        assertThat(ProductionGuard.problems(stripeApi))
                .singleElement()
                .asString()
                .contains("renderbank.payments.stripe.api-base");
        stripeApi.setProperty("renderbank.payments.stripe.api-base", "https://api.stripe.com/");
        assertThat(ProductionGuard.problems(stripeApi)).isEmpty();

        MockEnvironment creem = productionReady()
                .withProperty("renderbank.payments.provider", "creem")
                .withProperty("CREEM_API_KEY", "creem_test_x")
                .withProperty("CREEM_WEBHOOK_SECRET", "creem-secret-from-env");
        assertThat(ProductionGuard.problems(creem)).singleElement().asString().contains("CREEM_API_KEY");
        creem.setProperty("CREEM_API_KEY", "creem_live_from_env");
        assertThat(ProductionGuard.problems(creem)).isEmpty();
        creem.setProperty("renderbank.payments.creem.base-url", "https://test-api.creem.io");
        assertThat(ProductionGuard.problems(creem))
                .singleElement()
                .asString()
                .contains("renderbank.payments.creem.base-url");
        creem.setProperty("renderbank.payments.allow-test-mode-in-prod", "TRUE");
        assertThat(ProductionGuard.problems(creem)).isEmpty();
    }

    /**
     * The public URL starts every callback and email link: in prod it is an absolute https URL of
     * another machine. A value without scheme, a clear-text or localhost one, or one with stray
     * whitespace or a query would build broken or clear-text links.
     */
    @Test
    void thePublicUrlIsAnHttpsUrlOfAnotherMachine() {
        for (String bad : List.of(
                "renderbank.example.com",
                "http://localhost:8080",
                "http://renderbank.example.com",
                "https://localhost",
                "https://127.0.0.1:8443",
                "https://[::1]",
                " https://renderbank.example.com",
                "https://renderbank.example.com ",
                "https://renderbank.example.com?x=1",
                "http://renderbank_app:8080",
                "https://renderbank_app.localhost",
                "https://localhost.",
                "https://app.localhost.:8443",
                "https://LOCALHOST..",
                "https://")) {
            MockEnvironment env = productionReady().withProperty("renderbank.public-url", bad);
            assertThat(ProductionGuard.problems(env))
                    .as("renderbank.public-url=[%s]", bad)
                    .singleElement()
                    .asString()
                    .contains("renderbank.public-url");
        }
        for (String good : List.of(
                "https://renderbank.example.com/", "https://renderbank.example.com/app", "https://renderbank_app")) {
            MockEnvironment env = productionReady().withProperty("renderbank.public-url", good);
            assertThat(ProductionGuard.problems(env)).as(good).isEmpty();
        }
    }

    /**
     * The built-in products carry placeholder ids only the simulated checkout knows: with Stripe or
     * Creem, a product left on its placeholder cannot be bought and its real webhook would grant
     * nothing, so prod names each one instead of starting.
     */
    @Test
    void realPaymentsNeedEveryProductsOwnId() {
        MockEnvironment stripe = productionReady();
        assertThat(ProductionGuard.problems(stripe)).isEmpty();
        stripe.setProperty("renderbank.catalog.packs.pack-500.stripe-price-id", "price_local_pack-500");
        stripe.setProperty("renderbank.catalog.plans.pro-yearly.stripe-price-id", "");
        assertThat(ProductionGuard.problems(stripe))
                .singleElement()
                .asString()
                .contains("stripe-price-id")
                .contains("pack-500, pro-yearly");

        MockEnvironment creem = productionReady()
                .withProperty("renderbank.payments.provider", "creem")
                .withProperty("CREEM_API_KEY", "creem_live_from_env")
                .withProperty("CREEM_WEBHOOK_SECRET", "creem-secret-from-env");
        assertThat(ProductionGuard.problems(creem)).isEmpty();
        creem.setProperty("renderbank.catalog.packs.pack-200.creem-product-id", "prod_local_pack-200");
        assertThat(ProductionGuard.problems(creem))
                .singleElement()
                .asString()
                .contains("creem-product-id")
                .contains("pack-200");

        MockEnvironment added = productionReady()
                .withProperty("renderbank.catalog.packs.pack-300.credits", "300")
                .withProperty("renderbank.catalog.packs.pack-300.price-minor", "1290");
        assertThat(ProductionGuard.problems(added))
                .as("a pack added in configuration gets only the placeholder the simulated checkout knows")
                .singleElement()
                .asString()
                .contains("stripe-price-id")
                .contains("pack-300");
        added.setProperty("renderbank.catalog.packs.pack-300.stripe-price-id", "price_1Realpack-300");
        assertThat(ProductionGuard.problems(added)).isEmpty();

        MockEnvironment defaults = new MockEnvironment()
                .withProperty("renderbank.payments.provider", "stripe")
                .withProperty("STRIPE_API_KEY", "sk_live_from_env")
                .withProperty("STRIPE_WEBHOOK_SECRET", "whsec_from_env");
        assertThat(ProductionGuard.problems(defaults))
                .as("the built-in catalog as it ships")
                .anyMatch(p -> p.contains(String.join(", ", PACKS)));
    }

    @Test
    void prodRefusesSimulatorsDemoUsersAndDevelopmentSecrets() {
        MockEnvironment env = new MockEnvironment();
        assertThat(ProductionGuard.problems(env))
                .anyMatch(p -> p.contains("demo users"))
                .anyMatch(p -> p.contains("simulator"))
                .anyMatch(p -> p.contains("payments are simulated"))
                .anyMatch(p -> p.contains("renderbank.public-url"))
                .anyMatch(p -> p.contains("embedded PostgreSQL"));
        env.setProperty("renderbank.demo.enabled", "false");
        env.setProperty("renderbank.demo.api-token", "x".repeat(30));
        assertThat(ProductionGuard.problems(env)).anyMatch(p -> p.contains("demo API tokens"));
    }

    /**
     * Mail that leaves the machine from the development sender {@code no-reply@localhost} is refused
     * or filed as spam by relays: every verification and reset email would fail after a day of
     * retries, and nobody could verify an address. Without an SMTP server nothing leaves, so the
     * sender does not matter.
     */
    @Test
    void mailLeavingTheMachineNeedsASenderOfARealDomain() {
        for (String from : List.of(
                "renderbank <no-reply@localhost>",
                "no-reply@LOCALHOST",
                "no-reply@mail.localdomain",
                "no-reply@mail",
                "no-reply@box.local",
                "no-reply@app.localhost",
                "no-reply@corp.internal")) {
            MockEnvironment env = productionReady().withProperty("renderbank.mail.from", from);
            assertThat(ProductionGuard.problems(env))
                    .as(from)
                    .singleElement()
                    .asString()
                    .contains("renderbank.mail.from");
        }
        MockEnvironment noSender = withoutKey(productionReady(), "renderbank.mail.from");
        assertThat(ProductionGuard.problems(noSender))
                .as("the default sender, no-reply@localhost")
                .singleElement()
                .asString()
                .contains("renderbank.mail.from");
        MockEnvironment noSmtp =
                withoutKey(noSender, "spring.mail.host").withProperty("renderbank.signup.enabled", "false");
        assertThat(ProductionGuard.problems(noSmtp)).as("no mail leaves").isEmpty();
    }

    private static MockEnvironment withoutKey(MockEnvironment env, String key) {
        ((java.util.Map<?, ?>) env.getPropertySources()
                        .get(org.springframework.mock.env.MockPropertySource.MOCK_PROPERTIES_PROPERTY_SOURCE_NAME)
                        .getSource())
                .remove(key);
        return env;
    }

    @Test
    void aProperProductionConfigurationPasses() {
        MockEnvironment env = productionReady();
        assertThat(ProductionGuard.problems(env)).isEmpty();
    }

    /**
     * Downloads from private addresses are for the simulator's result URLs: prod allows them only
     * while the simulator runs, not because its permission is on. A staging switch left on next to
     * a real KIE key (no simulator) would let any output URL reach internal addresses.
     */
    @Test
    void privateDownloadHostsOnlyWhileTheSimulatorRuns() {
        MockEnvironment env = productionReady().withProperty("renderbank.download.allow-private-hosts", "true");
        assertThat(ProductionGuard.problems(env)).singleElement().asString().contains("allow-private-hosts");
        env.setProperty("renderbank.allow-simulators-in-prod", "true");
        assertThat(ProductionGuard.problems(env))
                .as("a real KIE key: the simulator does not run")
                .singleElement()
                .asString()
                .contains("allow-private-hosts");
        env.setProperty("renderbank.provider.kie.api-key", "");
        assertThat(ProductionGuard.problems(env))
                .as("staging: the simulator runs")
                .isEmpty();
    }

    /** The app binds the provider enum case-insensitively, so the guard must too (issue 9, item 1). */
    @Test
    void simulatedPaymentsAreRefusedWhateverTheLetterCase() {
        for (String value : List.of("simulated", "SIMULATED", "Simulated", "sImUlAtEd")) {
            MockEnvironment env = productionReady().withProperty("renderbank.payments.provider", value);
            assertThat(ProductionGuard.problems(env))
                    .as("renderbank.payments.provider=%s", value)
                    .anyMatch(p -> p.contains("payments are simulated"));
        }
    }

    /** Without a configured key the bonus-once-per-address memory would differ per node and vanish with a data directory. */
    @Test
    void prodNeedsTheAddressHashSecret() {
        MockEnvironment env = productionReady();
        assertThat(ProductionGuard.problems(env)).isEmpty();
        env.setProperty("renderbank.accounts.address-hash-secret", "");
        assertThat(ProductionGuard.problems(env)).anyMatch(p -> p.contains("renderbank.accounts.address-hash-secret"));
        env.setProperty("renderbank.accounts.address-hash-secret", "too-short");
        assertThat(ProductionGuard.problems(env)).anyMatch(p -> p.contains("shorter than 32"));
    }

    @Test
    void simulatedPaymentsSetThroughTheEnvironmentAreRefused() {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources()
                .addFirst(new SystemEnvironmentPropertySource(
                        "env",
                        Map.of(
                                "RENDERBANK_PAYMENTS_PROVIDER", "SIMULATED",
                                "RENDERBANK_DEMO_ENABLED", "false",
                                "RENDERBANK_PROVIDER_KIE_API_KEY", "kie-key-from-env",
                                "RENDERBANK_PUBLIC_URL", "https://renderbank.example.com",
                                "RENDERBANK_ACCOUNTS_ADDRESS_HASH_SECRET", "k".repeat(40),
                                "DATABASE_URL", "postgres://rb:secret@db.internal:5432/renderbank")));
        assertThat(ProductionGuard.problems(env)).anyMatch(p -> p.contains("payments are simulated"));
    }

    /** Simulated payments mean free credits: allowing the provider simulator does not allow them. */
    @Test
    void simulatedPaymentsNeedTheirOwnSwitch() {
        MockEnvironment env = productionReady()
                .withProperty("renderbank.payments.provider", "simulated")
                .withProperty("renderbank.allow-simulators-in-prod", "true");
        assertThat(ProductionGuard.problems(env)).anyMatch(p -> p.contains("payments are simulated"));
        env.setProperty("renderbank.allow-simulated-payments-in-prod", "true");
        assertThat(ProductionGuard.problems(env)).isEmpty();
    }

    @Test
    void theProviderSimulatorIsRefusedWhenTheKeyIsBlank() {
        MockEnvironment env = productionReady().withProperty("renderbank.provider.kie.api-key", "  ");
        assertThat(ProductionGuard.problems(env)).anyMatch(p -> p.contains("simulator"));
    }

    /** Trust authentication and a data directory on the app's own disk: an explicit choice only. */
    @Test
    void prodOnTheEmbeddedDatabaseNeedsExplicitConsent() {
        MockEnvironment embedded = withRealProductIds(new MockEnvironment())
                .withProperty("renderbank.demo.enabled", "false")
                .withProperty("renderbank.provider.kie.api-key", "kie-key-from-env")
                .withProperty("renderbank.payments.provider", "stripe")
                .withProperty("STRIPE_API_KEY", "sk_live_from_env")
                .withProperty("STRIPE_WEBHOOK_SECRET", "whsec_from_env")
                .withProperty("renderbank.public-url", "https://renderbank.example.com")
                .withProperty("renderbank.accounts.address-hash-secret", "k".repeat(40))
                .withProperty("spring.mail.host", "smtp.example.com")
                .withProperty("renderbank.mail.from", "no-reply@renderbank.example.com");
        assertThat(ProductionGuard.problems(embedded))
                .singleElement()
                .asString()
                .contains("embedded PostgreSQL");
        embedded.setProperty("spring.datasource.url", "jdbc:postgresql://db.internal/renderbank");
        assertThat(ProductionGuard.problems(embedded)).isEmpty();

        MockEnvironment consented = withRealProductIds(new MockEnvironment())
                .withProperty("renderbank.demo.enabled", "false")
                .withProperty("renderbank.provider.kie.api-key", "kie-key-from-env")
                .withProperty("renderbank.payments.provider", "stripe")
                .withProperty("STRIPE_API_KEY", "sk_live_from_env")
                .withProperty("STRIPE_WEBHOOK_SECRET", "whsec_from_env")
                .withProperty("renderbank.public-url", "https://renderbank.example.com")
                .withProperty("renderbank.accounts.address-hash-secret", "k".repeat(40))
                .withProperty("spring.mail.host", "smtp.example.com")
                .withProperty("renderbank.mail.from", "no-reply@renderbank.example.com")
                .withProperty("renderbank.allow-embedded-db-in-prod", "TRUE");
        assertThat(ProductionGuard.problems(consented)).isEmpty();
    }

    /** Open sign-up without SMTP: nobody could verify an address, and prod never logs the links. */
    @Test
    void openSignUpNeedsAnSmtpServer() {
        MockEnvironment env = productionReady();
        env.setProperty("spring.mail.host", "");
        assertThat(ProductionGuard.problems(env)).singleElement().asString().contains("spring.mail.host");
        // Spring Boot creates no mail sender for a host of "false" (any letter case), so no mail leaves
        env.setProperty("spring.mail.host", " False ");
        assertThat(ProductionGuard.problems(env)).singleElement().asString().contains("spring.mail.host");
        env.setProperty("renderbank.signup.enabled", "FALSE");
        assertThat(ProductionGuard.problems(env)).isEmpty();
    }

    @Test
    void theProdProfileStopsStartUpBeforeTouchingAnything() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(RenderbankApplication.class)
                        .profiles("prod")
                        .run("--server.port=0", "--renderbank.data-dir=target/prod-guard"))
                .hasMessageContaining("Refusing to start with the prod profile");
    }
}
