package dev.renderbank.billing;

import dev.renderbank.identity.EmailVerified;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/** The free plan: its sign-up credits are granted once the user's email is verified. */
@Component
class SignupBonus {

    private static final Logger log = LoggerFactory.getLogger(SignupBonus.class);

    private final Rewards rewards;

    SignupBonus(Rewards rewards) {
        this.rewards = rewards;
    }

    @TransactionalEventListener(fallbackExecution = true)
    void onEmailVerified(EmailVerified event) {
        // idempotent by key signup:<user>, so a repeated event grants nothing more
        log.info(
                "email verified for user {}: sign-up bonus {}",
                event.userId(),
                rewards.grantSignupBonus(event.userId()));
    }
}
