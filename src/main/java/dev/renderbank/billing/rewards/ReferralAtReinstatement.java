package dev.renderbank.billing.rewards;

import dev.renderbank.identity.AccountReinstated;
import dev.renderbank.platform.DurableEventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Referral rewards are not paid to a suspended referrer: a referee's first purchase made while its
 * referrer was suspended waits, and is paid when an operator reinstates the account (at what the
 * purchase still entitles; a deleted account never). Hooked like {@link ReferralAtVerification};
 * idempotent (a paid referral is marked so in the transaction of its grant).
 */
@Component
class ReferralAtReinstatement implements DurableEventHandler<AccountReinstated> {

    private static final Logger log = LoggerFactory.getLogger(ReferralAtReinstatement.class);

    private final Referrals referrals;

    ReferralAtReinstatement(Referrals referrals) {
        this.referrals = referrals;
    }

    @Override
    public String name() {
        return "billing.referral-at-reinstatement";
    }

    @Override
    public Class<AccountReinstated> eventType() {
        return AccountReinstated.class;
    }

    @Override
    public void handle(AccountReinstated event) {
        int paid = referrals.payWaitingReferrals(event.userId());
        if (paid > 0) {
            log.info("user {} reinstated: {} waiting referral reward(s) paid", event.userId(), paid);
        }
    }
}
