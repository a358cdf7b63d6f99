package dev.renderbank.billing.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.core.Outcome;
import dev.renderbank.billing.core.PaymentTestMode;
import dev.renderbank.billing.db.PaymentEventStore;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;
import tools.jackson.databind.json.JsonMapper;

/**
 * Defence in depth behind the start-up check on test keys: under {@code prod}, an event Stripe marks
 * {@code "livemode": false} (a test card's payment) grants nothing unless test mode is allowed.
 * Handled without a database: the event is refused before any of the handlers' collaborators.
 */
class StripeTestModeEventsTest {

    /** A paid-session event whose object has no id: one the handlers reach would be "unprocessable". */
    static final PaymentEventStore.Stored TEST_MODE_SESSION = new PaymentEventStore.Stored(
            1,
            "stripe",
            "evt_test",
            "checkout.session.completed",
            "{\"id\":\"evt_test\",\"livemode\":false,\"data\":{\"object\":{}}}",
            0);

    private static Outcome handle(MockEnvironment env, PaymentEventStore.Stored event) {
        StripeEvents events = new StripeEvents(
                JsonMapper.builder().build(),
                new StripeSessions(null, null, null, null, null, null, null, Clock.systemUTC()),
                null,
                null,
                null,
                null,
                null,
                null,
                Clock.systemUTC(),
                new PaymentTestMode(env),
                null);
        return events.handle(event);
    }

    @Test
    void underProdATestModeEventGrantsNothing() {
        MockEnvironment prod = new MockEnvironment();
        prod.setActiveProfiles("prod");
        assertThat(handle(prod, TEST_MODE_SESSION))
                .isInstanceOfSatisfying(
                        Outcome.Ignored.class, i -> assertThat(i.reason()).contains("livemode false"));
    }

    @Test
    void theOptInAndOtherProfilesLetItThrough() {
        MockEnvironment staging = new MockEnvironment().withProperty(PaymentTestMode.ALLOW, "true");
        staging.setActiveProfiles("prod");
        assertThat(handle(staging, TEST_MODE_SESSION)).isInstanceOf(Outcome.Unprocessable.class);
        assertThat(handle(new MockEnvironment(), TEST_MODE_SESSION)).isInstanceOf(Outcome.Unprocessable.class);

        MockEnvironment prod = new MockEnvironment();
        prod.setActiveProfiles("prod");
        PaymentEventStore.Stored live = new PaymentEventStore.Stored(
                2,
                "stripe",
                "evt_live",
                "checkout.session.completed",
                "{\"id\":\"evt_live\",\"livemode\":true,\"data\":{\"object\":{}}}",
                0);
        assertThat(handle(prod, live)).as("a live event").isInstanceOf(Outcome.Unprocessable.class);
    }
}
