package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.rewards.Referrals;
import dev.renderbank.billing.rewards.Rewards;
import dev.renderbank.identity.UserAccount;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code GET /api/v1/rewards}: the caller's streak, referral code and link, and what referrals earned. */
class RewardsSummaryApiTest extends BillingIntegrationTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Autowired
    Rewards rewards;

    @Autowired
    Referrals referrals;

    @Test
    void anonymousCallersAreRefused() throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(uri("/api/v1/rewards")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
    }

    @Test
    void theStreakCountsConsecutiveDaysAndLapsesAfterAMissedDay() throws Exception {
        UserAccount u = newUser();
        String token = token(u);
        JsonNode before = summary(token);
        assertThat(before.path("streak").asInt()).isZero();
        assertThat(before.path("checkedInToday").asBoolean()).isFalse();

        rewards.checkIn(u.id());
        clock.advance(Duration.ofDays(1));
        rewards.checkIn(u.id());
        JsonNode today = summary(token);
        assertThat(today.path("streak").asInt()).isEqualTo(2);
        assertThat(today.path("checkedInToday").asBoolean()).isTrue();

        clock.advance(Duration.ofDays(1)); // not yet checked in today: yesterday's streak still counts
        JsonNode nextDay = summary(token);
        assertThat(nextDay.path("streak").asInt()).isEqualTo(2);
        assertThat(nextDay.path("checkedInToday").asBoolean()).isFalse();

        clock.advance(Duration.ofDays(1)); // a day missed
        assertThat(summary(token).path("streak").asInt()).isZero();
    }

    /** A second check-in the same day grants nothing and says so, with the streak the day made. */
    @Test
    void aRepeatedCheckInAnswersTheStreakItAlreadyMade() throws Exception {
        UserAccount u = newUser();
        String token = token(u);
        rewards.checkIn(u.id());
        clock.advance(Duration.ofDays(1));
        HttpResponse<String> first = api("POST", "/api/v1/rewards/check-in", token, null);
        assertThat(json.readTree(first.body()).path("streak").asInt())
                .as(first.body())
                .isEqualTo(2);

        HttpResponse<String> again = api("POST", "/api/v1/rewards/check-in", token, null);
        assertThat(again.statusCode()).isEqualTo(200);
        JsonNode repeat = json.readTree(again.body());
        assertThat(repeat.path("granted").asBoolean()).isFalse();
        assertThat(repeat.path("credits").asInt()).isZero();
        assertThat(repeat.path("streak").asInt()).as(again.body()).isEqualTo(2);
        assertThat(summary(token).path("streak").asInt()).isEqualTo(2);
    }

    @Test
    void eachUserHasOneStableReferralCodeThatNamesThem() throws Exception {
        UserAccount u = newUser();
        UserAccount other = newUser();
        JsonNode first = summary(token(u));
        String code = first.path("referralCode").asString();
        assertThat(code).matches("[a-z0-9]{8,}");
        assertThat(first.path("referralUrl").asString()).endsWith("/signup?ref=" + code);
        assertThat(summary(token(u)).path("referralCode").asString()).isEqualTo(code);
        assertThat(summary(token(other)).path("referralCode").asString()).isNotEqualTo(code);
        assertThat(referrals.referrerByCode(code)).contains(u.id());
        assertThat(referrals.referrerByCode("nobody-has-this")).isEmpty();
    }

    @Test
    void concurrentFirstAsksAgreeOnOneCode() throws Exception {
        UserAccount u = newUser();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        var start = new java.util.concurrent.CountDownLatch(1);
        var codes = new java.util.ArrayList<java.util.concurrent.Future<String>>();
        for (int i = 0; i < 8; i++) {
            codes.add(pool.submit(() -> {
                start.await();
                return referrals.referralCode(u.id());
            }));
        }
        start.countDown();
        java.util.Set<String> distinct = new java.util.HashSet<>();
        for (var f : codes) {
            distinct.add(f.get());
        }
        pool.shutdown();
        assertThat(distinct).hasSize(1);
        assertThat(referrals.referralCode(u.id())).isEqualTo(distinct.iterator().next());
    }

    @Test
    void referralsCountWhoJoinedAndWhatTheirFirstPurchasesEarned() throws Exception {
        UserAccount referrer = newUser();
        UserAccount buyer = newUser();
        UserAccount browser = newUser();
        referrals.recordReferral(buyer.id(), referrer.id());
        referrals.recordReferral(browser.id(), referrer.id());
        referrals.recordReferral(newUser().id(), newUser().id()); // someone else's referral
        creem(creemCheckout(id("evt"), id("ord"), buyer.id(), "prod_local_pack-200", 990));

        JsonNode s = summary(token(referrer));
        assertThat(s.path("referred").asLong()).isEqualTo(2);
        assertThat(s.path("earned").asLong()).isEqualTo(10);
        assertThat(summary(token(buyer)).path("referred").asLong()).isZero();
    }

    private JsonNode summary(String token) throws Exception {
        HttpResponse<String> r = api("GET", "/api/v1/rewards", token, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }
}
