package dev.renderbank.billing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.renderbank.platform.SqlTime.ts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.renderbank.billing.rewards.Referrals;
import dev.renderbank.billing.rewards.RewardResult;
import dev.renderbank.billing.rewards.Rewards;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.ops.ActionResult;
import dev.renderbank.ops.UserActions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every grant that adds credits to an account sends its owner's subscribed endpoints one {@code
 * credits.granted}, with the grant as {@code change}, what it was for as {@code reason} and the
 * account's credits: a yearly plan's later months (its first comes with the purchase), the sign-up
 * bonus, the daily rewards, a referral reward, an operator's compensation. Once per grant: asking
 * for it again sends nothing more. Observed at a WireMock receiver and in the delivery rows. The
 * announcement itself (a repeated key, a second run of the handler, a rollback): {@code
 * dev.renderbank.notify.GrantAnnouncementTest}.
 */
class CreditsGrantedWebhookTest extends BillingIntegrationTest {

    static final WireMockServer receiver =
            new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    static final JsonMapper JSON = JsonMapper.builder().build();

    @BeforeAll
    static void up() {
        receiver.start();
    }

    @AfterAll
    static void down() {
        receiver.stop();
    }

    @Autowired
    Rewards rewards;

    @Autowired
    Referrals referrals;

    @Autowired
    UserActions operators;

    @Test
    void aYearlyPlansLaterMonthIsAnnouncedOnceAndItsFirstOnlyAsThePurchase() throws Exception {
        UserAccount u = newUser();
        String path = subscribe(u, "credits.granted");
        Instant start = clock.instant();
        Instant end = start.atZone(ZoneOffset.UTC).plusYears(1).toInstant();
        String sub = id("sub");
        stripe(StripeWebhookTest.invoice(
                u.id(), id("evt"), id("in"), sub, "price_local_pro-yearly", 19900, start, end, "subscription_create"));
        awaitReceived(path, 1);
        assertGrant(granted(u).get(0), 500, "purchase", 500);

        Instant month2 = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        clock.advance(Duration.between(clock.instant(), month2.plusSeconds(60)));
        awaitReceived(path, 2);
        assertGrant(granted(u).get(1), 500, "subscription-month", 1000);
        assertThat(JSON.readTree(received(path).get(1))
                        .get("data")
                        .get("reason")
                        .asString())
                .isEqualTo("subscription-month");

        // the sweep runs again within the month: the month is granted already, nothing more is sent
        awaitSweep();
        assertStaysAt(u, path, 2);
        assertThat(available(u)).isEqualTo(1000);
    }

    @Test
    void theSignupBonusAndTheDailyRewardsAreEachAnnouncedOnce() {
        UserAccount u = newUser();
        String path = subscribe(u, "credits.granted");
        assertThat(rewards.grantSignupBonus(u.id())).isInstanceOf(RewardResult.Granted.class);
        awaitReceived(path, 1);
        assertGrant(granted(u).get(0), 15, "signup-bonus", 15);

        assertThat(rewards.checkIn(u.id())).isInstanceOf(RewardResult.Granted.class);
        awaitReceived(path, 2);
        assertGrant(granted(u).get(1), 2, "check-in", 17);
        assertThat(rewards.share(u.id())).isInstanceOf(RewardResult.Granted.class);
        awaitReceived(path, 3);
        assertGrant(granted(u).get(2), 2, "share", 19);

        // asked again: the same keys, nothing granted, nothing sent
        assertThat(rewards.grantSignupBonus(u.id())).isInstanceOf(RewardResult.AlreadyGranted.class);
        assertThat(rewards.checkIn(u.id())).isInstanceOf(RewardResult.AlreadyGranted.class);
        assertThat(rewards.share(u.id())).isInstanceOf(RewardResult.AlreadyGranted.class);
        assertStaysAt(u, path, 3);
        assertThat(available(u)).isEqualTo(19);
    }

    @Test
    void aReferralRewardIsAnnouncedToTheReferrer() throws Exception {
        UserAccount referrer = newUser();
        UserAccount referee = newUser();
        referrals.recordReferral(referee.id(), referrer.id());
        String path = subscribe(referrer, "credits.granted");
        creem(creemCheckout(id("evt"), id("ord"), referee.id(), "prod_local_pack-200", 990));
        awaitReceived(path, 1);
        assertGrant(granted(referrer).get(0), 10, "referral", 10);
        assertThat(referrals.payWaitingReferrals(referrer.id())).isZero();
        assertStaysAt(referrer, path, 1);
    }

    /** Also re-arms {@code credits.low}, as a purchase does: the user is back above the threshold. */
    @Test
    void anOperatorsCompensationIsAnnouncedOnceAndReArmsCreditsLow() {
        UserAccount u = newUser();
        String path = subscribe(u, "credits.granted", "credits.low");
        jdbc.sql("insert into credits_low_state (user_id, below, crossings, updated_at) values (:u, true, 1, :now)")
                .param("u", u.id())
                .param("now", ts(clock.instant()))
                .update();
        String key = "comp-" + UUID.randomUUID();
        assertThat(operators.grant("ops@example.com", u.id(), 25, "the outage of Tuesday", false, key))
                .isInstanceOfSatisfying(
                        ActionResult.Done.class, d -> assertThat(d.repeated()).isFalse());
        awaitReceived(path, 1);
        assertGrant(granted(u).get(0), 25, "compensation", 25);
        await().atMost(Duration.ofSeconds(20)).until(() -> !below(u));

        // the operator's request repeated under its key: the first outcome, no second grant
        assertThat(operators.grant("ops@example.com", u.id(), 25, "the outage of Tuesday", false, key))
                .isInstanceOfSatisfying(
                        ActionResult.Done.class, d -> assertThat(d.repeated()).isTrue());
        assertStaysAt(u, path, 1);
        assertThat(available(u)).isEqualTo(25);
    }

    /** An endpoint of the user's for {@code types}, at a receiver path of its own answering 200. */
    private String subscribe(UserAccount u, String... types) {
        String path = "/grants/" + UUID.randomUUID();
        receiver.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(200)));
        String body = "{\"url\":\"http://127.0.0.1:" + receiver.port() + path + "\",\"events\":[\""
                + String.join("\",\"", types) + "\"]}";
        try {
            assertThat(api("POST", "/api/v1/webhook-endpoints", token(u), body).statusCode())
                    .isEqualTo(201);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return path;
    }

    private List<String> received(String path) {
        return receiver.findAll(postRequestedFor(urlEqualTo(path))).stream()
                .map(r -> r.getBodyAsString())
                .toList();
    }

    private void awaitReceived(String path, int n) {
        await().atMost(Duration.ofSeconds(20)).until(() -> received(path).size() >= n);
        assertThat(received(path)).hasSize(n);
    }

    /** Nothing more is recorded or sent for a while (a wrong second event would be handled by then). */
    private void assertStaysAt(UserAccount u, String path, int n) {
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(granted(u)).hasSize(n);
            assertThat(received(path)).hasSize(n);
        });
    }

    /** The {@code data} of the user's {@code credits.granted} deliveries, oldest first. */
    private List<JsonNode> granted(UserAccount u) {
        return jdbc
                .sql("select body from webhook_delivery where user_id = :u and event_type = 'credits.granted'"
                        + " order by created_at, id")
                .param("u", u.id())
                .query(String.class)
                .list()
                .stream()
                .map(b -> JSON.readTree(b).get("data"))
                .toList();
    }

    private static void assertGrant(JsonNode data, long change, String reason, long balance) {
        assertThat(data.get("change").asLong()).isEqualTo(change);
        assertThat(data.get("reason").asString()).isEqualTo(reason);
        assertThat(data.get("balance").asLong()).isEqualTo(balance);
        assertThat(data.get("available").asLong()).isEqualTo(balance);
        assertThat(data.get("held").asLong()).isZero();
        assertThat(data.get("debt").asLong()).isZero();
    }

    private boolean below(UserAccount u) {
        return jdbc.sql("select below from credits_low_state where user_id = :u")
                .param("u", u.id())
                .query(Boolean.class)
                .single();
    }
}
