package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.renderbank.identity.UserAccount;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * A checkout the payment provider refused is deleted at once, so its WARN line is all that is left
 * of it: the line names the user (whom support is asked by), the checkout and the product; never the
 * user's email. This context sells through Stripe without {@code STRIPE_API_KEY}, so every checkout
 * is refused (the same context as CreemWebhookAfterSwitchTest).
 */
@TestPropertySource(properties = "renderbank.payments.provider=stripe")
class RefusedCheckoutLogTest extends BillingIntegrationTest {

    @Autowired
    Billing billing;

    private final Logger logger = (Logger) LoggerFactory.getLogger(Billing.class); // Checkouts writes as Billing
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    /**
     * Attached once the context runs: attached in the constructor, a context this class starts itself
     * re-initialises logging (Spring Boot resets logback) and drops the appender.
     */
    @BeforeEach
    void attach() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(lines);
    }

    @Test
    void theLineOfARefusedCheckoutNamesItsUserCheckoutAndProduct() {
        UserAccount u = newUser();

        CheckoutResult r =
                billing.checkout(u.id(), "pack-200", UUID.randomUUID().toString());

        assertThat(r).isInstanceOf(CheckoutResult.ProviderUnavailable.class);
        assertThat(lines.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.startsWith("Checkout ")))
                .singleElement()
                .asString()
                .matches("Checkout \\S+ of user " + u.id() + " for pack-200 refused: .*STRIPE_API_KEY is not set.*")
                .doesNotContain(u.email());
    }
}
