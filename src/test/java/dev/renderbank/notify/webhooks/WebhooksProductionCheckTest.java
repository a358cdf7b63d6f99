package dev.renderbank.notify.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.platform.ProductionCheck;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.mock.env.MockEnvironment;

/** {@code prod} refuses webhook URLs that may reach private addresses, however the switch is written. */
class WebhooksProductionCheckTest {

    @Test
    void allowingPrivateWebhookHostsIsAProductionProblem() {
        WebhooksProductionCheck check = new WebhooksProductionCheck();
        assertThat(check.problems(Binder.get(new MockEnvironment()))).isEmpty();
        assertThat(check.problems(Binder.get(
                        new MockEnvironment().withProperty("renderbank.webhooks.allow-private-hosts", "false"))))
                .isEmpty();
        for (String key :
                new String[] {"renderbank.webhooks.allow-private-hosts", "renderbank.webhooks.allowPrivateHosts"}) {
            assertThat(check.problems(Binder.get(new MockEnvironment().withProperty(key, "TRUE"))))
                    .singleElement()
                    .asString()
                    .contains("renderbank.webhooks.allow-private-hosts");
        }
    }

    @Test
    void theCheckIsRegisteredForTheProductionGuard() {
        assertThat(SpringFactoriesLoader.loadFactories(
                        ProductionCheck.class, getClass().getClassLoader()))
                .anyMatch(c -> c instanceof WebhooksProductionCheck);
    }
}
