package dev.renderbank.billing.rewards;

import dev.renderbank.identity.EmailVerified;
import dev.renderbank.platform.DurableEventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Referral rewards are paid to verified referrers only (as the daily rewards are): a referee's first
 * purchase made while its referrer was unverified waits, and is paid when the referrer verifies.
 * Idempotent (a paid referral is marked so in the transaction of its grant).
 */
@Component
class ReferralAtVerification implements DurableEventHandler<EmailVerified> {

    private static final Logger log = LoggerFactory.getLogger(ReferralAtVerification.class);

    private final Referrals referrals;

    ReferralAtVerification(Referrals referrals) {
        this.referrals = referrals;
    }

    @Override
    public String name() {
        return "billing.referral-at-verification";
    }

    @Override
    public Class<EmailVerified> eventType() {
        return EmailVerified.class;
    }

    @Override
    public void handle(EmailVerified event) {
        int paid = referrals.payWaitingReferrals(event.userId());
        if (paid > 0) {
            log.info("user {} verified: {} waiting referral reward(s) paid", event.userId(), paid);
        }
    }
}
