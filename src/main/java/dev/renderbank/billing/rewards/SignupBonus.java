package dev.renderbank.billing.rewards;

import dev.renderbank.identity.EmailVerified;
import dev.renderbank.platform.DurableEventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The free plan: its sign-up credits are granted once the user's email is verified. Runs as a
 * durable event handler, so a crash between the verification's commit and the grant loses nothing.
 */
@Component
class SignupBonus implements DurableEventHandler<EmailVerified> {

    private static final Logger log = LoggerFactory.getLogger(SignupBonus.class);

    private final Rewards rewards;

    SignupBonus(Rewards rewards) {
        this.rewards = rewards;
    }

    @Override
    public String name() {
        return "billing.signup-bonus";
    }

    @Override
    public Class<EmailVerified> eventType() {
        return EmailVerified.class;
    }

    @Override
    public void handle(EmailVerified event) {
        // idempotent by key signup:<user>, so a repeated run grants nothing more
        log.info(
                "email verified for user {}: sign-up bonus {}",
                event.userId(),
                rewards.grantSignupBonus(event.userId()));
    }
}
