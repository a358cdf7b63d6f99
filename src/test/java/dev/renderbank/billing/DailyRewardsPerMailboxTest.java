package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.rewards.RewardResult;
import dev.renderbank.billing.rewards.Rewards;
import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.DeletionOutcome;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.support.BrowserSession;
import dev.renderbank.support.Concurrently;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The daily rewards (check-in and share) are once a day per mailbox, as the sign-up bonus is once per
 * mailbox: two accounts of one inbox ({@code a.b@gmail.com} and {@code ab@googlemail.com}, or {@code
 * name+tag@host}) collected each reward twice a day. The account that does not get it is told why
 * (409 problem+json), and a deleted account's day still counts for its mailbox.
 */
class DailyRewardsPerMailboxTest extends BillingIntegrationTest {

    private static final String PASSWORD = "a-long-password-123";

    @Autowired
    Rewards rewards;

    @Autowired
    AccountDeletion deletion;

    /** Two accounts of one Gmail inbox: {@code a.b…@gmail.com} and {@code ab…@googlemail.com}. */
    private List<UserAccount> oneInbox() {
        String n = Long.toString(System.nanoTime(), 36);
        return List.of(
                users.create("a.b" + n + "@gmail.com", PASSWORD, Role.USER, true),
                users.create("ab" + n + "+rewards@googlemail.com", PASSWORD, Role.USER, true));
    }

    @Test
    void twoAccountsOfOneInboxCollectEachDailyRewardOnceADayAndTheSecondIsToldWhy() throws Exception {
        List<UserAccount> inbox = oneInbox();
        UserAccount first = inbox.get(0);
        UserAccount second = inbox.get(1);

        assertThat(api("POST", "/api/v1/rewards/check-in", token(first), null).body())
                .contains("\"granted\":true");
        assertThat(api("POST", "/api/v1/rewards/share", token(first), null).body())
                .contains("\"granted\":true");
        for (String path : List.of("/api/v1/rewards/check-in", "/api/v1/rewards/share")) {
            var refused = api("POST", path, token(second), null);
            assertThat(refused.statusCode()).as(path).isEqualTo(409);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(refused.body())
                    .as(path)
                    .contains("reward-taken-by-mailbox")
                    .contains("another account of the same email inbox")
                    .contains("come back tomorrow");
        }
        assertThat(available(first)).isEqualTo(4);
        assertThat(available(second))
                .as("nothing for the second account of the inbox")
                .isZero();

        // its rewards page says so before the button is pressed
        assertThat(api("GET", "/api/v1/rewards", token(second), null).body())
                .contains("\"checkedInToday\":true")
                .contains("\"checkedInByAnotherAccount\":true");
        String page = BrowserSession.signIn(port, second.email(), PASSWORD)
                .get("/rewards")
                .body();
        assertThat(page).contains("Another account of your email inbox checked in today");
        assertThat(page).containsPattern("<button[^>]*id=\"check-in\"[^>]*disabled");

        // the next day, whichever account asks first has it, and the streak is the inbox's
        clock.advance(Duration.ofDays(1));
        assertThat(rewards.checkIn(second.id())).isEqualTo(new RewardResult.Granted(2, 2, checkInKey(second)));
        assertThat(rewards.checkIn(first.id())).isEqualTo(new RewardResult.TakenByMailbox("check-in"));
        assertThat(rewards.checkIn(second.id())).isInstanceOf(RewardResult.AlreadyGranted.class);
        assertThat(rewards.share(second.id())).isInstanceOf(RewardResult.Granted.class);
        assertThat(rewards.share(first.id())).isEqualTo(new RewardResult.TakenByMailbox("share"));
        assertThat(available(first) + available(second))
                .as("two days, two rewards a day")
                .isEqualTo(8);
    }

    /** Another account of the inbox in a zone a day further east or west gets no second reward either. */
    @Test
    void anotherAccountOfTheInboxInAnotherTimeZoneGetsNoSecondReward() {
        List<UserAccount> inbox = oneInbox();
        setTimeZone(inbox.get(0), "Pacific/Kiritimati");
        setTimeZone(inbox.get(1), "Etc/GMT+12");
        assertThat(rewards.checkIn(inbox.get(0).id())).isInstanceOf(RewardResult.Granted.class);
        assertThat(rewards.share(inbox.get(1).id())).isInstanceOf(RewardResult.Granted.class);
        assertThat(rewards.checkIn(inbox.get(1).id())).isEqualTo(new RewardResult.TakenByMailbox("check-in"));
        assertThat(rewards.share(inbox.get(0).id())).isEqualTo(new RewardResult.TakenByMailbox("share"));
    }

    /** Two accounts of one inbox asking at the same moment (two threads released by one latch): one is paid. */
    @Test
    void twoAccountsOfOneInboxAskingAtOnceArePaidOnce() throws Exception {
        for (String reward : List.of("check-in", "share")) {
            for (int round = 0; round < 5; round++) {
                List<UserAccount> inbox = oneInbox();
                LongFunction<Callable<RewardResult>> ask =
                        id -> () -> reward.equals("share") ? rewards.share(id) : rewards.checkIn(id);
                List<RewardResult> both = Concurrently.run(
                        ask.apply(inbox.get(0).id()), ask.apply(inbox.get(1).id()));
                assertThat(both)
                        .as(reward)
                        .filteredOn(RewardResult.Granted.class::isInstance)
                        .hasSize(1);
                assertThat(both)
                        .as(reward)
                        .filteredOn(RewardResult.TakenByMailbox.class::isInstance)
                        .hasSize(1);
                assertThat(available(inbox.get(0)) + available(inbox.get(1)))
                        .as(reward)
                        .isEqualTo(2);
            }
        }
    }

    /**
     * The rule for a deleted account: its day still counts for its mailbox, so deleting and signing up
     * again gives no second reward that day; the new account is paid from the next day on (never later)
     * and continues the inbox's streak. The rows kept for that hold a keyed digest, never the address.
     */
    @Test
    void aDeletedAccountsDayCountsForTheAccountThatSignsUpAgainWithItsInboxButNoLonger() throws Exception {
        String n = Long.toString(System.nanoTime(), 36);
        UserAccount gone = users.create("mia" + n + "@gmail.com", PASSWORD, Role.USER, true);
        assertThat(rewards.checkIn(gone.id())).isInstanceOf(RewardResult.Granted.class);
        assertThat(rewards.share(gone.id())).isInstanceOf(RewardResult.Granted.class);
        assertThat(deletion.delete(gone.id(), PASSWORD)).isInstanceOf(DeletionOutcome.Deleted.class);
        assertThat(jdbc.sql(
                                "select count(*) from billing_checkin where user_id = :u and mailbox_key ~ '^[0-9a-f]{64}$'")
                        .param("u", gone.id())
                        .query(Long.class)
                        .single())
                .as("both days kept, under a keyed digest")
                .isEqualTo(2);

        UserAccount again = users.create("mia" + n + "@gmail.com", PASSWORD, Role.USER, true);
        assertThat(rewards.checkIn(again.id())).isEqualTo(new RewardResult.TakenByMailbox("check-in"));
        assertThat(rewards.share(again.id())).isEqualTo(new RewardResult.TakenByMailbox("share"));
        assertThat(available(again)).isZero();

        clock.advance(Duration.ofDays(1));
        assertThat(rewards.checkIn(again.id())).isEqualTo(new RewardResult.Granted(2, 2, checkInKey(again)));
        assertThat(rewards.share(again.id())).isInstanceOf(RewardResult.Granted.class);
        assertThat(available(again)).isEqualTo(4);
    }

    private String checkInKey(UserAccount u) {
        return "reward:check-in:" + u.id() + ":"
                + clock.instant().atZone(java.time.ZoneOffset.UTC).toLocalDate();
    }

    private void setTimeZone(UserAccount u, String zone) {
        jdbc.sql("update app_user set time_zone = :z where id = :u")
                .param("z", zone)
                .param("u", u.id())
                .update();
    }
}
