package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.UserAccount;
import dev.renderbank.support.Concurrently;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Credits follow paid time across a plan switch whatever the order in which Stripe's events are
 * processed: the old period's month and the switch that credits its unused time back come to the
 * same credits when the switch's invoice.paid is processed first (the old period's invoice.paid
 * delivered late, or a yearly month granted after the switch), and when both are processed at once.
 * The unused share of the old month is taken once, from the new period's first month, and a refund
 * of the new period's charge takes back its share of what that month granted, as when the events
 * came in order. Signed webhooks through the real endpoint.
 */
class PlanSwitchEventOrderTest extends BillingIntegrationTest {

    private static Instant plusMonths(Instant at, int months) {
        return at.atZone(ZoneOffset.UTC).plusMonths(months).toInstant();
    }

    /** floor(granted × unused / month), the unused share of a granted month at the switch. */
    private static long unusedShare(long granted, Instant monthStart, Instant monthEnd, Instant switchAt) {
        long unused = Duration.between(switchAt, monthEnd).toSeconds();
        long month = Duration.between(monthStart, monthEnd).toSeconds();
        return Math.floorDiv(granted * unused, month);
    }

    private static long unusedCredit(long price, Instant from, Instant to, Instant switchAt) {
        return -Math.round(price
                * (double) Duration.between(switchAt, to).toSeconds()
                / Duration.between(from, to).toSeconds());
    }

    /** A pro-monthly subscription (500 credits, 19.90) that started ten days ago, switched to pro-yearly now. */
    private record Switch(
            UserAccount user,
            String sub,
            Instant start,
            Instant end,
            Instant at,
            String oldInvoice,
            String newInvoice) {

        String oldPaid(String event) {
            return StripeWebhookTest.invoice(
                    user.id(),
                    event,
                    oldInvoice,
                    sub,
                    "price_local_pro-monthly",
                    1990,
                    start,
                    end,
                    "subscription_create");
        }

        long credit() {
            return unusedCredit(1990, start, end, at);
        }

        String switchPaid(String event) {
            return StripeWebhookTest.invoice(
                    user.id(),
                    event,
                    newInvoice,
                    sub,
                    19900 + credit(),
                    19900 + credit(),
                    "subscription_update",
                    new StripeWebhookTest.Line("price_local_pro-monthly", credit(), at, end, true),
                    new StripeWebhookTest.Line(
                            "price_local_pro-yearly",
                            19900,
                            at,
                            at.atZone(ZoneOffset.UTC).plusYears(1).toInstant(),
                            false));
        }

        long less() {
            return unusedShare(500, start, end, at);
        }
    }

    private Switch monthlyToYearly() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant start = now.minus(Duration.ofDays(10));
        return new Switch(newUser(), id("sub"), start, plusMonths(start, 1), now, id("in"), id("in"));
    }

    @Test
    void theOldMonthsInvoicePaidAfterTheSwitchLeavesTheCreditsOfPaidTimeOnly() throws Exception {
        Switch s = monthlyToYearly();
        assertThat(s.less()).isBetween(300L, 400L);
        String switchEvent = id("evt");
        stripe(s.switchPaid(switchEvent));
        assertThat(eventStatus("stripe", switchEvent)).isEqualTo("PROCESSED");
        String oldEvent = id("evt");
        stripe(s.oldPaid(oldEvent)); // the old period's invoice.paid, delivered late
        assertThat(eventStatus("stripe", oldEvent)).isEqualTo("PROCESSED");

        assertThat(available(s.user()))
                .as("the monthly month up to the switch, then the year's first month: as in order")
                .isEqualTo(1000 - s.less());

        // the year's charge refunded in full takes back what the year granted net, as in order
        String pi = id("pi");
        String charge = id("ch");
        long paid = 19900 + s.credit();
        stripe(StripeWebhookTest.invoicePayment(id("evt"), s.newInvoice(), pi, charge));
        stripe(StripeWebhookTest.refunded(id("evt"), charge, pi, paid, paid));
        assertThat(available(s.user())).isEqualTo(500);
        assertThat(ledger.balance(s.user().id()).debt()).isZero();

        // replays change nothing
        stripe(s.oldPaid(id("evt")));
        stripe(s.switchPaid(id("evt")));
        awaitSweep();
        assertThat(available(s.user())).isEqualTo(500);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * A yearly plan in its last month switched to monthly, the year's invoice.paid processed only after
     * the switch's: the year's last month, granted then, is paid only up to the switch.
     */
    @Test
    void aYearsInvoicePaidAfterItsSwitchToMonthlyGrantsTheLastMonthOnceNet() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant yearStart = plusMonths(now.minus(Duration.ofDays(10)), -11);
        Instant yearEnd = yearStart.atZone(ZoneOffset.UTC).plusYears(1).toInstant();
        Instant lastMonth = plusMonths(yearStart, 11);
        long less = unusedShare(500, lastMonth, yearEnd, now);
        long credit = unusedCredit(19900, yearStart, yearEnd, now);
        long paid = 1990 + credit;
        String switchEvent = id("evt");
        stripe(StripeWebhookTest.invoice(
                u.id(),
                switchEvent,
                id("in"),
                sub,
                paid,
                paid,
                "subscription_update",
                new StripeWebhookTest.Line("price_local_pro-yearly", credit, now, yearEnd, true),
                new StripeWebhookTest.Line("price_local_pro-monthly", 1990, now, plusMonths(now, 1), false)));
        assertThat(eventStatus("stripe", switchEvent)).isEqualTo("PROCESSED");
        stripe(StripeWebhookTest.invoice(
                u.id(),
                id("evt"),
                id("in"),
                sub,
                "price_local_pro-yearly",
                19900,
                yearStart,
                yearEnd,
                "subscription_create"));
        awaitSweep();
        assertThat(available(u))
                .as("twelve months of the year, the last one's unused share taken once, and the new month")
                .isEqualTo(6000 + 500 - less);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @org.springframework.beans.factory.annotation.Autowired
    javax.sql.DataSource dataSource;

    /**
     * The old month granted late takes the switch's purchase, to take its unused share off the
     * switch's first month. A refund or dispute of the switch's charge locks that purchase, then the
     * user's credit account; the grant took the account first (granting the month), then the
     * purchase: the two deadlocked and one was aborted (a webhook retried, an alert). The grant now
     * takes the switch's purchase before the account, the refund's order.
     */
    @Test
    void theOldMonthGrantedLateTakesTheSwitchsPurchaseBeforeTheAccountAsARefundOfTheSwitchDoes() throws Exception {
        Switch s = monthlyToYearly();
        stripe(s.switchPaid(id("evt")));
        long switchPurchase = jdbc.sql("select id from billing_purchase where user_id = :u and product = 'pro-yearly'")
                .param("u", s.user().id())
                .query(Long.class)
                .single();
        String oldEvent = id("evt");
        try (java.sql.Connection refund = dataSource.getConnection()) {
            refund.setAutoCommit(false);
            lock(refund, "select 1 from billing_purchase where id = ? for update", switchPurchase);
            java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>> old =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        try {
                            return stripe(s.oldPaid(oldEvent));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> jdbc.sql("""
                                    select count(*) from pg_stat_activity
                                     where datname = current_database() and wait_event_type = 'Lock'
                                       and query like '%from billing_purchase p where p.id%'""").query(Long.class).single() >= 1);
            // the refund goes on to the account, as Clawbacks.rebalance does: it must not meet the grant there
            lock(
                    refund,
                    "select 1 from credit_account where user_id = ? for no key update",
                    s.user().id());
            refund.rollback();
            assertThat(old.get(30, java.util.concurrent.TimeUnit.SECONDS).statusCode())
                    .isEqualTo(200);
        }
        assertThat(eventStatus("stripe", oldEvent)).isEqualTo("PROCESSED");
        assertThat(available(s.user())).isEqualTo(1000 - s.less());
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    private static void lock(java.sql.Connection c, String sql, long id) throws java.sql.SQLException {
        try (var st = c.prepareStatement(sql)) {
            st.setLong(1, id);
            st.executeQuery().close();
        }
    }

    /** The old period's invoice.paid and the switch's, with a copy each, processed at the same time. */
    @Test
    void theOldMonthAndTheSwitchProcessedConcurrentlyTakeTheUnusedShareOnce() throws Exception {
        for (int round = 0; round < 4; round++) {
            Switch s = monthlyToYearly();
            String oldEvent = id("evt");
            String switchEvent = id("evt");
            String oldBody = s.oldPaid(oldEvent);
            String switchBody = s.switchPaid(switchEvent);
            List<Integer> codes = Concurrently.run(
                    () -> stripe(switchBody).statusCode(),
                    () -> stripe(oldBody).statusCode(),
                    () -> stripe(s.switchPaid(id("evt"))).statusCode(),
                    () -> stripe(s.oldPaid(id("evt"))).statusCode());
            assertThat(codes).containsOnly(200);
            // an event's answer may come while the retry worker processes it: a copy that recorded its
            // invoice made it due at once (WaitingEvents), and the worker took it before its request
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> "PROCESSED".equals(eventStatus("stripe", oldEvent))
                            && "PROCESSED".equals(eventStatus("stripe", switchEvent)));
            awaitSweep();
            assertThat(available(s.user())).as("round " + round).isEqualTo(1000 - s.less());
        }
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }
}
