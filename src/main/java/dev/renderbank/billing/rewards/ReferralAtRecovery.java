package dev.renderbank.billing.rewards;

import dev.renderbank.identity.AccountRecovered;
import dev.renderbank.platform.DurableEventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * An account taken back by its address's owner before the address was confirmed was first signed
 * up by someone else, who chose its referral: that referral goes with everything else the first
 * sign-up had, before any purchase earns its referrer a reward. A password reset of a confirmed
 * account keeps it (the owner chose it). Idempotent: a forgotten referral is gone, for good (a
 * tombstone {@link ReferralAtSignUp} respects, whichever of the two runs last or runs again).
 */
@Component
class ReferralAtRecovery implements DurableEventHandler<AccountRecovered> {

    private static final Logger log = LoggerFactory.getLogger(ReferralAtRecovery.class);

    private final Referrals referrals;

    ReferralAtRecovery(Referrals referrals) {
        this.referrals = referrals;
    }

    @Override
    public String name() {
        return "billing.referral-at-recovery";
    }

    @Override
    public Class<AccountRecovered> eventType() {
        return AccountRecovered.class;
    }

    @Override
    public void handle(AccountRecovered event) {
        if (Boolean.TRUE.equals(event.beforeVerification()) && referrals.forgetChosenBeforeRecovery(event.userId())) {
            log.info(
                    "user {} taken back by its address's owner before confirming it: the referral the first"
                            + " sign-up chose is forgotten",
                    event.userId());
        }
    }
}
