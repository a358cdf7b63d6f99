package dev.renderbank.billing;

import static dev.renderbank.billing.StripeWebhookTest.invoice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.billing.core.Purchases;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.support.HeldTransaction;
import java.net.CookieManager;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Stripe subscription deleted at once ({@code customer.subscription.deleted}: access ends now, unlike
 * a cancellation at the period's end) while a yearly renewal that started just before had been
 * charged. What the buyer paid for is kept, whichever of the two events arrives first or whether they
 * are processed at the same moment: a renewal paid with money grants every month of its year. A
 * renewal that took no money (a 100 % coupon) gives nothing past the deletion: its first month, which
 * started while the subscription ran, and no other.
 */
class SubscriptionDeletedAtOnceTest extends BillingIntegrationTest {

    @Autowired
    Purchases purchases;

    @Autowired
    ProductCatalog catalog;

    @Autowired
    TransactionTemplate tx;

    private final JsonMapper json = JsonMapper.builder().build();

    /** A yearly plan whose first year is over and granted (12 × 500); the renewal started at {@code end1}. */
    private record Renewing(UserAccount user, String sub, Instant end1, Instant end2, Instant deletedAt) {}

    private Renewing firstYearGranted() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant end1 = start.atZone(ZoneOffset.UTC).plusYears(1).toInstant();
        Instant end2 = end1.atZone(ZoneOffset.UTC).plusYears(1).toInstant();
        assertThat(stripe(invoice(
                                u.id(),
                                id("evt"),
                                id("in"),
                                sub,
                                "price_local_pro-yearly",
                                19900,
                                start,
                                end1,
                                "subscription_create"))
                        .statusCode())
                .isEqualTo(200);
        moveClockTo(end1.plus(Duration.ofHours(1)));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(available(u)).isEqualTo(12 * 500));
        return new Renewing(u, sub, end1, end2, end1.plus(Duration.ofMinutes(30)));
    }

    /** The renewal of {@code r}'s second year: {@code paid} 19900, or 0 (a 100 % coupon: total 0). */
    private String renewal(Renewing r, long paid) {
        return invoice(
                r.user().id(),
                id("evt"),
                id("in"),
                r.sub(),
                paid,
                paid,
                "subscription_cycle",
                new StripeWebhookTest.Line("price_local_pro-yearly", 19900, r.end1(), r.end2(), false));
    }

    private HttpResponse<String> deleteAtOnce(Renewing r) throws Exception {
        return stripe(StripeWebhookTest.subscriptionDeleted(id("evt"), r.sub(), r.deletedAt()));
    }

    /** Three months into the renewed year, after the sweep looked: the credits the user has. */
    private long threeMonthsIntoTheRenewal(Renewing r) {
        moveClockTo(r.end1().atZone(ZoneOffset.UTC).plusMonths(3).toInstant().plusSeconds(60));
        awaitSweep();
        return available(r.user());
    }

    @Test
    void aPaidRenewalReportedAfterTheDeletionGrantsEveryMonthItPaidFor() throws Exception {
        Renewing r = firstYearGranted();
        assertThat(deleteAtOnce(r).statusCode()).isEqualTo(200);
        assertThat(stripe(renewal(r, 19900)).statusCode()).isEqualTo(200);
        assertThat(available(r.user())).isEqualTo(13 * 500);

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(threeMonthsIntoTheRenewal(r)).isEqualTo(16 * 500));
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aPaidRenewalReportedBeforeTheDeletionGrantsEveryMonthItPaidFor() throws Exception {
        Renewing r = firstYearGranted();
        assertThat(stripe(renewal(r, 19900)).statusCode()).isEqualTo(200);
        assertThat(deleteAtOnce(r).statusCode()).isEqualTo(200);
        assertThat(available(r.user())).isEqualTo(13 * 500);

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(threeMonthsIntoTheRenewal(r))
                        .as("the renewed year was paid for: its months go on after the deletion")
                        .isEqualTo(16 * 500));
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * The renewal's transaction is open (it holds the subscription's row) when the deletion is
     * processed: the deletion waits for it, then the paid year still grants its months.
     */
    @Test
    void aDeletionProcessedWhileThePaidRenewalIsBeingRecordedKeepsTheRenewedYear() throws Exception {
        deletionWhileThePaidRenewalIsRecorded(firstYearGranted());
    }

    /**
     * The same with a deletion at the very moment the renewed year starts (so the renewal starts at,
     * not before, the subscription's end): the money was taken, its months are granted all the same.
     * Before, the year granted its first month only.
     */
    @Test
    void aDeletionAtTheRenewalsStartProcessedWhileThePaidRenewalIsBeingRecordedKeepsTheRenewedYear() throws Exception {
        Renewing r = firstYearGranted();
        deletionWhileThePaidRenewalIsRecorded(new Renewing(r.user(), r.sub(), r.end1(), r.end2(), r.end1()));
    }

    private void deletionWhileThePaidRenewalIsRecorded(Renewing r) throws Exception {
        Product yearly = catalog.product("pro-yearly").orElseThrow();
        CompletableFuture<HttpResponse<String>> deleting;
        try (HeldTransaction<Void> renewing = HeldTransaction.open(tx, jdbc, () -> {
            purchases.period(
                    new Purchases.Charge("stripe", r.user().id(), yearly, 19900, "USD", List.of(id("in"))),
                    r.sub(),
                    r.end1(),
                    r.end2());
            return null;
        })) {
            deleting = CompletableFuture.supplyAsync(() -> {
                try {
                    return deleteAtOnce(r);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // the deletion reaches the subscription's row and waits for the renewal's transaction
            renewing.awaitBlocked();
            renewing.commit();
        }
        assertThat(deleting.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(available(r.user())).isEqualTo(13 * 500);

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(threeMonthsIntoTheRenewal(r)).isEqualTo(16 * 500));
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * After the deletion at once the subscription has ended, but the paid year's eleven other months
     * are still to come: the subscriptions API and the account page say what the user keeps getting
     * and until when. Before, the API said only that it ended ({@code endsAt}: the deletion) and the
     * page no longer listed the plan at all.
     */
    @Test
    void theApiAndTheAccountPageTellWhatThePaidYearStillGrantsAfterTheDeletion() throws Exception {
        Renewing r = firstYearGranted();
        assertThat(stripe(renewal(r, 19900)).statusCode()).isEqualTo(200);
        assertThat(deleteAtOnce(r).statusCode()).isEqualTo(200);

        String page = login(r.user())
                .send(HttpRequest.newBuilder(uri("/account")).GET().build(), HttpResponse.BodyHandlers.ofString())
                .body();
        JsonNode sub = json.readTree(api("GET", "/api/v1/subscriptions", token(r.user()), null)
                        .body())
                .path(0);
        SoftAssertions.assertSoftly(soft -> {
            soft.assertThat(page)
                    .as("the account page's plan")
                    .contains("Ended on ")
                    .contains("Months already paid for go on: 5500 credits to come, 500 on")
                    .doesNotContain("credits stop on");
            soft.assertThat(sub.path("id").asString()).isEqualTo(r.sub());
            soft.assertThat(instant(sub, "endsAt")).isEqualTo(r.deletedAt());
            soft.assertThat(sub.path("endedAtOnce").asBoolean()).isTrue();
            soft.assertThat(sub.path("monthlyCredits").asLong()).isEqualTo(500);
            soft.assertThat(sub.path("creditsToCome").asLong()).isEqualTo(11 * 500);
            soft.assertThat(instant(sub, "nextCreditsAt"))
                    .isEqualTo(r.end1().atZone(ZoneOffset.UTC).plusMonths(1).toInstant());
            soft.assertThat(instant(sub, "lastCreditsAt"))
                    .isEqualTo(r.end1().atZone(ZoneOffset.UTC).plusMonths(11).toInstant());
        });
    }

    @Test
    void aFreeRenewalReportedAfterTheDeletionGrantsNoMonthAfterIt() throws Exception {
        Renewing r = firstYearGranted();
        assertThat(deleteAtOnce(r).statusCode()).isEqualTo(200);
        assertThat(stripe(renewal(r, 0)).statusCode()).isEqualTo(200);
        assertThat(available(r.user()))
                .as("its first month started before the deletion")
                .isEqualTo(13 * 500);

        assertThat(threeMonthsIntoTheRenewal(r))
                .as("no money was taken for the months after the deletion")
                .isEqualTo(13 * 500);
        assertThat(endsAt(r.sub()))
                .as("the subscription still ends when it was deleted")
                .isEqualTo(r.deletedAt());
        JsonNode sub = json.readTree(api("GET", "/api/v1/subscriptions", token(r.user()), null)
                        .body())
                .path(0);
        assertThat(sub.path("creditsToCome").asLong()).isZero();
        assertThat(instant(sub, "nextCreditsAt")).isNull();
    }

    @Test
    void aFreeRenewalReportedBeforeTheDeletionGrantsNoMonthAfterIt() throws Exception {
        Renewing r = firstYearGranted();
        assertThat(stripe(renewal(r, 0)).statusCode()).isEqualTo(200);
        assertThat(deleteAtOnce(r).statusCode()).isEqualTo(200);

        assertThat(threeMonthsIntoTheRenewal(r)).isEqualTo(13 * 500);
    }

    private Instant endsAt(String sub) {
        return jdbc.sql("select ends_at from billing_subscription where provider = 'stripe' and subscription_id = ?")
                .param(sub)
                .query(java.sql.Timestamp.class)
                .single()
                .toInstant();
    }

    private static Instant instant(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isMissingNode() || v.isNull() ? null : Instant.parse(v.asString());
    }

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    /** A signed-in browser session of {@code u} (the test users' password). */
    private HttpClient login(UserAccount u) throws Exception {
        HttpClient browser = HttpClient.newBuilder()
                .cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        Matcher m = CSRF.matcher(
                browser.send(HttpRequest.newBuilder(uri("/login")).GET().build(), HttpResponse.BodyHandlers.ofString())
                        .body());
        assertThat(m.find()).isTrue();
        String form = "username=" + URLEncoder.encode(u.email(), StandardCharsets.UTF_8)
                + "&password=a-long-password-123&_csrf=" + URLEncoder.encode(m.group(1), StandardCharsets.UTF_8);
        var r = browser.send(
                HttpRequest.newBuilder(uri("/login"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).doesNotContain("error"));
        return browser;
    }

    private void moveClockTo(Instant at) {
        clock.advance(Duration.between(clock.instant(), at));
    }
}
