package dev.renderbank.billing.rewards;

import dev.renderbank.identity.SignedUp;
import dev.renderbank.platform.DurableEventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A sign-up through a {@code /signup?ref=<code>} link records who referred the new user (identity
 * knows no referral codes, so it hands the code over in {@link SignedUp}). The reward itself is paid
 * at the referee's first purchase. An unknown code, or the referee's own, is ignored; recording is
 * idempotent (a referee has one referrer), and a referral {@link ReferralAtRecovery} forgot stays
 * forgotten when this handler runs again after it (a node that died after the insert, before its
 * task was marked done, has it run again a few minutes later).
 */
@Component
class ReferralAtSignUp implements DurableEventHandler<SignedUp> {

    private static final Logger log = LoggerFactory.getLogger(ReferralAtSignUp.class);

    private final Referrals referrals;

    ReferralAtSignUp(Referrals referrals) {
        this.referrals = referrals;
    }

    @Override
    public String name() {
        return "billing.referral-at-signup";
    }

    @Override
    public Class<SignedUp> eventType() {
        return SignedUp.class;
    }

    @Override
    public void handle(SignedUp event) {
        if (event.referralCode() == null) {
            return;
        }
        referrals
                .referrerByCode(event.referralCode())
                .filter(referrer -> referrer != event.userId())
                .ifPresentOrElse(
                        referrer -> referrals.recordReferral(event.userId(), referrer),
                        () -> log.info("sign-up of user {} named an unknown referral code", event.userId()));
    }
}
