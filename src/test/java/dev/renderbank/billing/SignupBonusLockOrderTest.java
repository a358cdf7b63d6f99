package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.rewards.RewardResult;
import dev.renderbank.billing.rewards.Rewards;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.ops.ActionResult;
import dev.renderbank.ops.UserActions;
import dev.renderbank.support.LockWaits;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The sign-up bonus's two writers take their locks in one order: a grant at verification locks the
 * account row and then, the account being suspended, holds the bonus's wait row; paying the waiting
 * bonus at a reinstatement must lock the account row before it takes that wait row. In the opposite
 * order the two deadlock: the payment has deleted the wait row and waits for the account, the grant
 * holds the account and its insert of the wait row waits for the deletion's outcome.
 */
class SignupBonusLockOrderTest extends BillingIntegrationTest {

    @Autowired
    Rewards rewards;

    @Autowired
    UserActions operators;

    @Autowired
    DataSource dataSource;

    @Test
    void payingTheWaitingBonusWhileAGrantHoldsTheAccountDoesNotDeadlock() throws Exception {
        UserAccount u = newUser(true);
        assertThat(operators.suspend("ops@example.com", u.id(), "test", "k-" + UUID.randomUUID()))
                .isInstanceOf(ActionResult.Done.class);
        // a suspended account's bonus waits
        assertThat(rewards.grantSignupBonus(u.id())).isInstanceOf(RewardResult.Refused.class);
        assertThat(waits(u)).isEqualTo(1);

        CompletableFuture<RewardResult> payment;
        try (Connection grant = dataSource.getConnection();
                Statement st = grant.createStatement()) {
            grant.setAutoCommit(false);
            st.execute("set local lock_timeout = '10s'");
            // what AccountDeletion.claimSignupBonus takes at the start of a grant
            st.execute("select id from app_user where id = " + u.id() + " for no key update");
            long backend = LockWaits.backend(grant);
            payment = CompletableFuture.supplyAsync(() -> rewards.payWaitingSignupBonus(u.id()));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> LockWaits.blockedBy(jdbc, backend) || payment.isDone());
            // the grant, finding the account suspended, holds the bonus again (SignupBonusWaits.hold)
            try (PreparedStatement hold = grant.prepareStatement(
                    "insert into billing_signup_bonus_wait (user_id, since) values (?, now()) on conflict do nothing")) {
                hold.setLong(1, u.id());
                hold.executeUpdate();
            }
            grant.commit();
        }
        // still suspended: the payment finds nothing to pay yet and holds the bonus again
        assertThat(payment.get(30, TimeUnit.SECONDS)).isInstanceOf(RewardResult.Refused.class);
        assertThat(waits(u)).isEqualTo(1);
        assertThat(available(u)).isZero();
    }

    private long waits(UserAccount u) {
        return jdbc.sql("select count(*) from billing_signup_bonus_wait where user_id = :u")
                .param("u", u.id())
                .query(Long.class)
                .single();
    }
}
