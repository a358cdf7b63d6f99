package dev.renderbank.billing.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README tells operators which Stripe events to subscribe to: every event the app handles. */
class StripeEventsDocumentedTest {

    @Test
    void theReadmeListsEveryStripeEventTheAppHandles() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("### Stripe webhook events");
        assertThat(start).as("README section \"### Stripe webhook events\"").isNotNegative();
        int end = readme.indexOf("\n#", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);

        assertThat(StripeEvents.SUBSCRIBED).contains("invoice_payment.paid");
        assertThat(StripeEvents.SUBSCRIBED)
                .allSatisfy(type ->
                        assertThat(section).as("README's Stripe webhook events").contains("`" + type + "`"));
    }
}
