package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.renderbank.RenderbankApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.mock.env.MockEnvironment;

class ProductionGuardTest {

    @Test
    void prodRefusesSimulatorsDemoUsersAndDevelopmentSecrets() {
        MockEnvironment env = new MockEnvironment();
        assertThat(ProductionGuard.problems(env))
                .anyMatch(p -> p.contains("demo users"))
                .anyMatch(p -> p.contains("simulator"))
                .anyMatch(p -> p.contains("payments are simulated"))
                .anyMatch(p -> p.contains("renderbank.public-url"));
        env.setProperty("renderbank.demo.enabled", "false");
        env.setProperty("renderbank.demo.api-token", "x".repeat(30));
        assertThat(ProductionGuard.problems(env)).anyMatch(p -> p.contains("demo API tokens"));
    }

    @Test
    void aProperProductionConfigurationPasses() {
        MockEnvironment env = new MockEnvironment()
                .withProperty("renderbank.demo.enabled", "false")
                .withProperty("renderbank.provider.kie.api-key", "kie-key-from-env")
                .withProperty("renderbank.payments.provider", "stripe")
                .withProperty("renderbank.public-url", "https://renderbank.example.com");
        assertThat(ProductionGuard.problems(env)).isEmpty();
        env.setProperty("renderbank.download.allow-private-hosts", "true");
        assertThat(ProductionGuard.problems(env)).hasSize(1);
        env.setProperty("renderbank.allow-simulators-in-prod", "true");
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
