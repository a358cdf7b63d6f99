package dev.renderbank.billing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.renderbank.identity.UserAccount;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A plan change is told as a plan change, not as a renewal. A Stripe downgrade early in the month
 * (pro+ at 900 credits to pro at 500, two days in): the old plan's unused time credited back already
 * pays for the new first month, so it grants nothing now. The user gets one email saying the plan
 * changed, what was paid ($0.00) and why no credits were added (besides the notice of the credits the
 * switch took back); no {@code credits.granted} is sent for
 * a grant that adds nothing (API.md). An upgrade's first month adds credits: one {@code
 * credits.granted} for them, and the same plan-change notice with them.
 */
class PlanSwitchNoticeTest extends BillingIntegrationTest {

    static final WireMockServer receiver =
            new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    static final JsonMapper JSON = JsonMapper.builder().build();

    record Mail(String template, String subject, String text, String html) {}

    @BeforeAll
    static void up() {
        receiver.start();
    }

    @AfterAll
    static void down() {
        receiver.stop();
    }

    @Test
    void aDowngradeThatGrantsNothingNowSaysThePlanChangedAndSendsNoCreditsGranted() throws Exception {
        UserAccount u = newUser();
        subscribe(u);
        String sub = id("sub");
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant start = now.minus(Duration.ofDays(2));
        Instant end = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        stripe(StripeWebhookTest.invoice(
                u.id(),
                id("evt"),
                id("in"),
                sub,
                "price_local_proplus-monthly",
                3490,
                start,
                end,
                "subscription_create"));
        await().atMost(Duration.ofSeconds(20)).until(() -> granted(u).size() == 1);

        long unused = Duration.between(now, end).toSeconds();
        long credit = -Math.round(
                3490 * (double) unused / Duration.between(start, end).toSeconds());
        String event = id("evt");
        stripe(StripeWebhookTest.invoice(
                u.id(),
                event,
                id("in"),
                sub,
                Math.max(0, 1990 + credit),
                1990 + credit,
                "subscription_update",
                new StripeWebhookTest.Line("price_local_proplus-monthly", credit, now, end, true),
                new StripeWebhookTest.Line(
                        "price_local_pro-monthly",
                        1990,
                        now,
                        now.atZone(ZoneOffset.UTC).plusMonths(1).toInstant(),
                        false)));
        assertThat(eventStatus("stripe", event)).isEqualTo("PROCESSED");

        // the switch's email is queued (as a change or, wrongly, as a renewal), so its handlers run now:
        // nothing is announced for its grant of nothing
        await().atMost(Duration.ofSeconds(20))
                .until(() -> mails(u).stream()
                        .anyMatch(m -> m.template().equals("plan-change")
                                || m.template().equals("subscription-renewal")));
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(granted(u))
                        .as("only the first month's grant: the switch added nothing")
                        .hasSize(1));
        assertThat(granted(u).get(0).get("change").asLong()).isEqualTo(900);

        assertThat(mails(u)).extracting(Mail::template).doesNotContain("subscription-renewal");
        Mail change = changes(u).get(0);
        assertThat(change.subject())
                .contains("changed to pro-monthly")
                .doesNotContain("renew")
                .doesNotContain("0 credits");
        assertThat(change.text())
                .contains("Your subscription changed to pro-monthly.")
                .contains("Amount paid:   $0.00")
                .contains("Credits added: 0")
                .contains("No credits were added now")
                .doesNotContain("renewed");
        assertThat(change.html()).contains("Your plan changed").contains("No credits were added now");

        // an upgrade back the next day: its first month adds credits, announced once, told as a change
        clock.advance(Duration.ofDays(1));
        Instant later = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant newEnd = now.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        long creditBack = -Math.round(1990
                * (double) Duration.between(later, newEnd).toSeconds()
                / Duration.between(now, newEnd).toSeconds());
        stripe(StripeWebhookTest.invoice(
                u.id(),
                id("evt"),
                id("in"),
                sub,
                3490 + creditBack,
                3490 + creditBack,
                "subscription_update",
                new StripeWebhookTest.Line("price_local_pro-monthly", creditBack, later, newEnd, true),
                new StripeWebhookTest.Line(
                        "price_local_proplus-monthly",
                        3490,
                        later,
                        later.atZone(ZoneOffset.UTC).plusMonths(1).toInstant(),
                        false)));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> granted(u).size() == 2 && changes(u).size() == 2);
        JsonNode upgrade = granted(u).get(1);
        assertThat(upgrade.get("change").asLong()).isPositive();
        assertThat(upgrade.get("reason").asString()).isEqualTo("subscription-renewal");
        Mail up = changes(u).get(1);
        assertThat(up.subject())
                .contains("changed to proplus-monthly")
                .contains(upgrade.get("change").asLong() + " credits added");
        assertThat(up.text()).doesNotContain("No credits were added now");
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    private void subscribe(UserAccount u) throws Exception {
        String path = "/grants/" + UUID.randomUUID();
        receiver.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(200)));
        String body = "{\"url\":\"http://127.0.0.1:" + receiver.port() + path + "\",\"events\":[\"credits.granted\"]}";
        assertThat(api("POST", "/api/v1/webhook-endpoints", token(u), body).statusCode())
                .isEqualTo(201);
    }

    /** The {@code data} of the user's {@code credits.granted} events, oldest first. */
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

    private List<Mail> changes(UserAccount u) {
        return mails(u).stream().filter(m -> m.template().equals("plan-change")).toList();
    }

    private List<Mail> mails(UserAccount u) {
        return jdbc.sql(
                        "select template, subject, body_text, body_html from mail_outbox where user_id = :u order by id")
                .param("u", u.id())
                .query((rs, n) -> new Mail(
                        rs.getString("template"),
                        rs.getString("subject"),
                        rs.getString("body_text"),
                        rs.getString("body_html")))
                .list();
    }
}
