package dev.renderbank.billing.rewards;

import dev.renderbank.identity.AccountReinstated;
import dev.renderbank.platform.DurableEventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The sign-up bonus is not paid to a suspended account (as referral rewards are not paid to a
 * suspended referrer): an address verified while the account was suspended gets its bonus when an
 * operator reinstates the account. Only a bonus that was held is paid ({@link SignupBonusWaits}), and
 * the grant is keyed {@code signup:<user>}, so a second reinstatement, or an account that never had
 * a bonus held (created verified by an operator, say), gets nothing.
 */
@Component
class SignupBonusAtReinstatement implements DurableEventHandler<AccountReinstated> {

    private static final Logger log = LoggerFactory.getLogger(SignupBonusAtReinstatement.class);

    private final Rewards rewards;

    SignupBonusAtReinstatement(Rewards rewards) {
        this.rewards = rewards;
    }

    @Override
    public String name() {
        return "billing.signup-bonus-at-reinstatement";
    }

    @Override
    public Class<AccountReinstated> eventType() {
        return AccountReinstated.class;
    }

    @Override
    public void handle(AccountReinstated event) {
        RewardResult result = rewards.payWaitingSignupBonus(event.userId());
        if (result instanceof RewardResult.Granted) {
            log.info("user {} reinstated: the sign-up bonus that waited is paid", event.userId());
        }
    }
}
