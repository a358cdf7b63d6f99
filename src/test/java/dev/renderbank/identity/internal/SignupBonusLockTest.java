package dev.renderbank.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.AccountDeletion.BonusClaim;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The sign-up bonus claim holds the account row until its grant commits, and the grant then takes
 * the user's credit account. A grant elsewhere (an operator's, a purchase's) holds that credit account
 * and then queues an email, which takes the row's key-share lock. If the claim's lock blocked the
 * key-share lock, the two would deadlock; it must block a suspension or a deletion only.
 */
class SignupBonusLockTest extends IntegrationTest {

    @Autowired
    AccountDeletion accounts;

    @Autowired
    TestUsers users;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    DataSource dataSource;

    @Test
    void aBonusClaimInProgressLetsAnEmailBeQueuedButHoldsASuspension() throws Exception {
        long userId = users.create(0).id();
        CountDownLatch claimed = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<BonusClaim> claim = CompletableFuture.supplyAsync(() -> tx.execute(s -> {
            BonusClaim c = accounts.claimSignupBonus(userId);
            claimed.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return c;
        }));
        try {
            assertThat(claimed.await(30, TimeUnit.SECONDS)).isTrue();
            try (Connection c = dataSource.getConnection();
                    Statement st = c.createStatement()) {
                c.setAutoCommit(false);
                st.execute("set local lock_timeout = '2s'");
                // what Notifier takes (AccountDeletion.keepUndeletedUntilCommit) while a grant holds the credits
                try (ResultSet rs = st.executeQuery(
                        "select deleted_at is null from app_user where id = " + userId + " for key share")) {
                    assertThat(rs.next()).isTrue();
                }
                c.rollback();
                st.execute("set local lock_timeout = '300ms'");
                // a suspension waits for the claim's transaction
                boolean suspended;
                try {
                    st.executeUpdate("update app_user set enabled = false where id = " + userId);
                    suspended = true;
                } catch (java.sql.SQLException e) {
                    assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("55P03"); // lock_not_available
                    suspended = false;
                }
                c.rollback();
                assertThat(suspended).as("a suspension must wait for the claim").isFalse();
            }
        } finally {
            release.countDown();
        }
        assertThat(claim.get(30, TimeUnit.SECONDS)).isEqualTo(BonusClaim.CLAIMED);
    }

    @Test
    void addressesWithCharactersOutsideTheBmpCanSignInButLoneSurrogatesCannot() {
        assertThat(SignInNames.couldExist("\uD83D\uDE00@example.com")).isTrue();
        assertThat(SignInNames.couldExist("ana\uD83C\uDF38@example.com")).isTrue();
        assertThat(SignInNames.couldExist("\uD83D@example.com")).isFalse();
        assertThat(SignInNames.couldExist("x\uDE00@example.com")).isFalse();
        assertThat(SignInNames.couldExist("a\u0000b@example.com")).isFalse();
    }
}
