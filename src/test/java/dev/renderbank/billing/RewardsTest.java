package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.renderbank.billing.rewards.Referrals;
import dev.renderbank.billing.rewards.RewardResult;
import dev.renderbank.billing.rewards.Rewards;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.support.Concurrently;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class RewardsTest extends BillingIntegrationTest {

    @Autowired
    Rewards rewards;

    @Autowired
    Referrals referrals;

    @Test
    void theSignupBonusWaitsForAVerifiedEmailAndIsGrantedOnce() {
        UserAccount unverified = newUser(false);
        assertThat(rewards.grantSignupBonus(unverified.id())).isInstanceOf(RewardResult.Refused.class);
        assertThat(available(unverified)).isZero();

        UserAccount verified = newUser(true);
        assertThat(rewards.grantSignupBonus(verified.id()))
                .isEqualTo(new RewardResult.Granted(15, 0, "signup:" + verified.id()));
        assertThat(rewards.grantSignupBonus(verified.id())).isInstanceOf(RewardResult.AlreadyGranted.class);
        assertThat(available(verified)).isEqualTo(15);
    }

    @Autowired
    dev.renderbank.identity.Users users;

    @Test
    void verifyingTheEmailGrantsTheSignupBonusOnce() {
        UserAccount u = newUser(false);
        assertThat(users.markEmailVerified(u.id())).isTrue();
        // granted by a durable event handler after the verification commits
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(available(u)).isEqualTo(15));
        assertThat(users.markEmailVerified(u.id())).isFalse();
        assertThat(rewards.grantSignupBonus(u.id())).isInstanceOf(RewardResult.AlreadyGranted.class);
        assertThat(available(u)).isEqualTo(15);
    }

    /**
     * The bonus is once per mailbox, not per spelling of it: {@code mia+2@host} and Gmail's dotted
     * forms deliver to the same mailbox, so each alias verified (one click in that one inbox) paid
     * the 15 credits again, as often as the sign-up limits allowed.
     */
    @Test
    void aMailboxGetsTheSignupBonusOnceWhateverAliasItSignsUpWith() {
        String n = Long.toString(System.nanoTime(), 36);
        UserAccount mia = users.create("mia" + n + "@example.com", "a-long-password-123", Role.USER, true);
        assertThat(rewards.grantSignupBonus(mia.id())).isInstanceOf(RewardResult.Granted.class);
        UserAccount zoe = users.create("zoe.k" + n + "@gmail.com", "a-long-password-123", Role.USER, true);
        assertThat(rewards.grantSignupBonus(zoe.id())).isInstanceOf(RewardResult.Granted.class);
        for (String alias : List.of(
                "mia" + n + "+2@example.com",
                "Mia" + n + "+promo@EXAMPLE.com",
                "zoek" + n + "@gmail.com",
                "z.o.e.k" + n + "+x@googlemail.com",
                // the domain as mailers read it: fullwidth letters, ideographic and fullwidth full stops,
                // a soft hyphen (each keyed as typed was a new mailbox, and a new bonus)
                "zoek" + n + "@gmail\u3002com",
                "zoek" + n + "@\uFF47mail.com",
                "z.oek" + n + "@gmail\uFF0Ecom",
                "mia" + n + "@exa\u00ADmple.com")) {
            UserAccount again = users.create(alias, "a-long-password-123", Role.USER, true);
            assertThat(rewards.grantSignupBonus(again.id())).as(alias).isNotInstanceOf(RewardResult.Granted.class);
            assertThat(available(again)).as(alias).isZero();
        }
        UserAccount other = users.create("mio" + n + "@example.com", "a-long-password-123", Role.USER, true);
        assertThat(rewards.grantSignupBonus(other.id()))
                .as("another mailbox of the same host")
                .isInstanceOf(RewardResult.Granted.class);
    }

    @Autowired
    dev.renderbank.ops.UserActions operators;

    /**
     * A suspended account gets no daily reward, whichever way the call comes (the request filter is
     * not the only guard: a suspension that commits after the request passed it must be seen too).
     */
    @Test
    void aSuspendedAccountGetsNoDailyReward() {
        UserAccount u = newUser(true);
        assertThat(operators.suspend("ops@example.com", u.id(), "test", "k-" + java.util.UUID.randomUUID()))
                .isInstanceOf(dev.renderbank.ops.ActionResult.Done.class);
        assertThat(rewards.checkIn(u.id()))
                .isInstanceOfSatisfying(
                        RewardResult.Refused.class, r -> assertThat(r.reason()).contains("suspended"));
        assertThat(rewards.share(u.id())).isInstanceOf(RewardResult.Refused.class);
        assertThat(available(u)).isZero();
    }

    /**
     * A suspended account gets no sign-up bonus for verifying its address, as a suspended referrer
     * gets no referral reward: the bonus waits and is paid once the account is reinstated, once.
     */
    @Test
    void aSuspendedAccountVerifyingItsAddressGetsTheBonusOnlyWhenReinstated() {
        UserAccount u = newUser(false);
        assertThat(operators.suspend("ops@example.com", u.id(), "test", "k-" + java.util.UUID.randomUUID()))
                .isInstanceOf(dev.renderbank.ops.ActionResult.Done.class);
        assertThat(users.markEmailVerified(u.id())).isTrue();
        awaitHandled("email-verified:" + u.id());
        assertThat(available(u)).as("nothing while suspended").isZero();
        assertThat(rewards.grantSignupBonus(u.id()))
                .isInstanceOfSatisfying(
                        RewardResult.Refused.class, r -> assertThat(r.reason()).contains("suspended"));
        assertThat(available(u)).isZero();

        reinstate(u);
        assertThat(available(u)).as("paid at reinstatement").isEqualTo(15);
        assertThat(operators.suspend("ops@example.com", u.id(), "test", "k-" + java.util.UUID.randomUUID()))
                .isInstanceOf(dev.renderbank.ops.ActionResult.Done.class);
        reinstate(u);
        assertThat(available(u)).as("once").isEqualTo(15);

        // a reinstatement pays only a bonus that was held: an account created verified never had one
        UserAccount operatorMade = newUser(true);
        assertThat(operators.suspend("ops@example.com", operatorMade.id(), "test", "k-" + java.util.UUID.randomUUID()))
                .isInstanceOf(dev.renderbank.ops.ActionResult.Done.class);
        reinstate(operatorMade);
        assertThat(available(operatorMade)).isZero();
    }

    /**
     * Verification and suspension at one moment: the bonus is paid before the suspension or held
     * until the reinstatement, and after it the account has it exactly once (never lost, never twice).
     */
    @Test
    void aSuspensionRacingTheVerificationNeverLosesTheBonusNorPaysItTwice() throws Exception {
        for (int i = 0; i < 6; i++) {
            UserAccount u = newUser(false);
            Concurrently.<Object>run(
                    () -> users.markEmailVerified(u.id()),
                    () -> operators.suspend("ops@example.com", u.id(), "test", "k-" + java.util.UUID.randomUUID()));
            awaitHandled("email-verified:" + u.id());
            assertThat(available(u)).isIn(0L, 15L);
            reinstate(u);
            assertThat(available(u)).isEqualTo(15);
        }
    }

    private void reinstate(UserAccount u) {
        assertThat(operators.reinstate("ops@example.com", u.id(), "test", "k-" + java.util.UUID.randomUUID()))
                .isInstanceOf(dev.renderbank.ops.ActionResult.Done.class);
        awaitHandled("account-reinstated:" + u.id() + ":");
    }

    /** Waits until every durable-event task of the event keyed {@code key...} is done. */
    private void awaitHandled(String key) {
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> jdbc.sql("select count(*) from scheduled_tasks where task_instance like :p")
                                .param("p", "billing.%:" + key + "%")
                                .query(Long.class)
                                .single()
                        == 0);
    }

    @Test
    void checkInIsOncePerDayAndTheSeventhDayInARowGivesFive() throws Exception {
        UserAccount u = newUser();
        String token = token(u);
        var first = api("POST", "/api/v1/rewards/check-in", token, null);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body())
                .contains("\"granted\":true")
                .contains("\"credits\":2")
                .contains("\"streak\":1");
        assertThat(api("POST", "/api/v1/rewards/check-in", token, null).body()).contains("\"granted\":false");
        assertThat(available(u)).isEqualTo(2);

        for (int day = 2; day <= 7; day++) {
            clock.advance(Duration.ofDays(1));
            rewards.checkIn(u.id());
        }
        assertThat(available(u)).isEqualTo(6 * 2 + 5);

        clock.advance(Duration.ofDays(2)); // a day missed: the streak starts over
        assertThat(rewards.checkIn(u.id()))
                .isInstanceOf(RewardResult.Granted.class)
                .extracting(r -> ((RewardResult.Granted) r).streak())
                .isEqualTo(1);
    }

    @Test
    void concurrentCheckInsOnOneDayGrantOnce() throws Exception {
        UserAccount u = newUser();
        var pool = Executors.newFixedThreadPool(8);
        List<Future<RewardResult>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            results.add(pool.submit((Callable<RewardResult>) () -> rewards.checkIn(u.id())));
        }
        int granted = 0;
        for (var f : results) {
            if (f.get() instanceof RewardResult.Granted) {
                granted++;
            }
        }
        pool.shutdown();
        assertThat(granted).isEqualTo(1);
        assertThat(available(u)).isEqualTo(2);
    }

    @Test
    void sharingPaysAtMostOnceADay() throws Exception {
        UserAccount u = newUser();
        String token = token(u);
        assertThat(api("POST", "/api/v1/rewards/share", token, null).body()).contains("\"granted\":true");
        assertThat(api("POST", "/api/v1/rewards/share", token, null).body()).contains("\"granted\":false");
        clock.advance(Duration.ofDays(1));
        assertThat(api("POST", "/api/v1/rewards/share", token, null).body()).contains("\"granted\":true");
        assertThat(available(u)).isEqualTo(4);
    }

    @Test
    void anAccountWhoseEmailIsNotVerifiedEarnsNoDailyRewardsAndIsToldToVerifyFirst() throws Exception {
        UserAccount u = newUser(false);
        String token = token(u);
        for (String path : List.of("/api/v1/rewards/check-in", "/api/v1/rewards/share")) {
            var refused = api("POST", path, token, null);
            assertThat(refused.statusCode()).as(path).isEqualTo(403);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(refused.body()).contains("email-not-verified").contains("verification email");
        }
        assertThat(rewardEntries(u)).as("nothing granted, nothing recorded").isZero();
        assertThat(jdbc.sql("select count(*) from billing_checkin where user_id = :u")
                        .param("u", u.id())
                        .query(Long.class)
                        .single())
                .isZero();

        // once verified (set directly here: the sign-up bonus is another test's subject)
        jdbc.sql("update app_user set email_verified = true where id = :u")
                .param("u", u.id())
                .update();
        assertThat(api("POST", "/api/v1/rewards/check-in", token, null).body()).contains("\"granted\":true");
        assertThat(api("POST", "/api/v1/rewards/share", token, null).body()).contains("\"granted\":true");
        assertThat(available(u)).isEqualTo(4);
    }

    @Test
    void concurrentSharesOnOneDayGrantOnce() throws Exception {
        for (int pair = 0; pair < 5; pair++) {
            UserAccount u = newUser();
            List<RewardResult> both = Concurrently.run(() -> rewards.share(u.id()), () -> rewards.share(u.id()));
            assertThat(both).filteredOn(r -> r instanceof RewardResult.Granted).hasSize(1);
            assertThat(both)
                    .filteredOn(r -> r instanceof RewardResult.AlreadyGranted)
                    .hasSize(1);
            assertThat(available(u)).isEqualTo(2);
        }
    }

    @Test
    void aCheckInNeverGoesBackADaySoChangingTheTimeZoneGivesNoExtraCheckIns() {
        UserAccount u = newUser();
        // +14 h and -12 h: the same instant is one or two calendar days apart in them
        setTimeZone(u, "Pacific/Kiritimati");
        assertThat(rewards.checkIn(u.id())).isInstanceOf(RewardResult.Granted.class);
        setTimeZone(u, "Etc/GMT+12");
        assertThat(rewards.checkIn(u.id()))
                .as("the day in the new zone is before the day already checked in")
                .isInstanceOf(RewardResult.AlreadyGranted.class);
        clock.advance(Duration.ofDays(1));
        assertThat(rewards.checkIn(u.id()))
                .as("one day later it is still at most the day already checked in")
                .isInstanceOf(RewardResult.AlreadyGranted.class);
        clock.advance(Duration.ofDays(2));
        assertThat(rewards.checkIn(u.id())).isInstanceOf(RewardResult.Granted.class);
        assertThat(rewardEntries(u)).as("two check-ins in three days").isEqualTo(2);
    }

    @Test
    void changingTheTimeZoneEastOrWestBetweenSharesGivesNoExtraShareReward() {
        UserAccount u = newUser();
        // -12 h and +14 h: the same instant is one or two calendar days apart in them
        setTimeZone(u, "Etc/GMT+12");
        assertThat(rewards.share(u.id())).isInstanceOf(RewardResult.Granted.class);
        setTimeZone(u, "Pacific/Kiritimati");
        assertThat(rewards.share(u.id()))
                .as("east: a later calendar day, but the same moment")
                .isInstanceOf(RewardResult.AlreadyGranted.class);
        setTimeZone(u, "Etc/GMT+12");
        assertThat(rewards.share(u.id())).isInstanceOf(RewardResult.AlreadyGranted.class);

        clock.advance(Duration.ofDays(1));
        setTimeZone(u, "Pacific/Kiritimati");
        assertThat(rewards.share(u.id())).as("a day later").isInstanceOf(RewardResult.Granted.class);
        setTimeZone(u, "Etc/GMT+12");
        assertThat(rewards.share(u.id()))
                .as("west: a calendar day before the one already rewarded")
                .isInstanceOf(RewardResult.AlreadyGranted.class);
        assertThat(rewardEntries(u)).as("two shares in two days").isEqualTo(2);
    }

    @Test
    void dailyRewardsAskedForAtOnceFromTwoTimeZonesGrantAtMostOne() throws Exception {
        for (String reward : List.of("share", "check-in")) {
            for (int pair = 0; pair < 5; pair++) {
                UserAccount u = newUser();
                setTimeZone(u, "Etc/GMT+12");
                Callable<RewardResult> ask =
                        () -> reward.equals("share") ? rewards.share(u.id()) : rewards.checkIn(u.id());
                List<RewardResult> both = Concurrently.run(ask, () -> {
                    setTimeZone(u, "Pacific/Kiritimati");
                    return ask.call();
                });
                assertThat(both)
                        .as(reward)
                        .filteredOn(r -> r instanceof RewardResult.Granted)
                        .hasSize(1);
                assertThat(rewardEntries(u)).as(reward).isEqualTo(1);
            }
        }
    }

    private void setTimeZone(UserAccount u, String zone) {
        jdbc.sql("update app_user set time_zone = :z where id = :u")
                .param("z", zone)
                .param("u", u.id())
                .update();
    }

    private long rewardEntries(UserAccount u) {
        return jdbc.sql("select count(*) from ledger_entry where user_id = :u and ref_key like 'reward:%'")
                .param("u", u.id())
                .query(Long.class)
                .single();
    }

    @Test
    void theReferrerGetsTenAtTheRefereesFirstPurchaseOnly() throws Exception {
        UserAccount referrer = newUser();
        UserAccount referee = newUser();
        assertThat(referrals.recordReferral(referee.id(), referrer.id())).isTrue();
        assertThat(referrals.recordReferral(referee.id(), newUser().id())).isFalse();
        assertThatThrownBy(() -> referrals.recordReferral(referrer.id(), referrer.id()))
                .isInstanceOf(IllegalArgumentException.class);

        creem(creemCheckout(id("evt"), id("ord"), referee.id(), "prod_local_pack-200", 990));
        assertThat(available(referrer)).as("rewarded at the first purchase").isEqualTo(10);
        creem(creemCheckout(id("evt"), id("ord"), referee.id(), "prod_local_pack-200", 990));
        assertThat(available(referrer)).as("and never again").isEqualTo(10);
        assertThat(available(referee)).isEqualTo(400);
    }

    @Test
    void aFirstPurchaseThatIsASubscriptionPeriodRewardsTheReferrer() throws Exception {
        UserAccount referrer = newUser();
        UserAccount referee = newUser();
        referrals.recordReferral(referee.id(), referrer.id());
        stripe(StripeWebhookTest.firstMonthlyInvoice(referee.id(), id("evt"), id("in"), id("sub"), clock.instant()));
        assertThat(available(referee)).isEqualTo(500);
        assertThat(available(referrer)).isEqualTo(10);
    }

    @Test
    void aReferralRecordedAfterTheRefereesFirstPurchaseEarnsNothingAtALaterOne() throws Exception {
        UserAccount referrer = newUser();
        UserAccount referee = newUser();
        creem(creemCheckout(id("evt"), id("ord"), referee.id(), "prod_local_pack-200", 990));
        assertThat(referrals.recordReferral(referee.id(), referrer.id())).isTrue();
        creem(creemCheckout(id("evt"), id("ord"), referee.id(), "prod_local_pack-200", 990));
        assertThat(available(referee)).isEqualTo(400);
        assertThat(available(referrer))
                .as("the first purchase was made before the referral")
                .isZero();
    }
}
