package dev.renderbank.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A hold whose expiry the database refuses (its account row is corrupt: the held column no longer
 * covers it, so the CHECK {@code held >= 0} refuses, or the row is gone, so {@code ledger_expect}
 * refuses) must not stop the sweep: every other due hold still expires in the same sweep, the broken
 * one stays open with nothing of its attempt written, is named in one ERROR per sweep (hold and user),
 * counted for operators and alerted once, and expires in the first sweep after the row is repaired.
 */
class ExpiryPastBrokenHoldsTest extends LedgerTestSupport {

    static final String FAILURES = "renderbank.holds.expiry.failures";

    @Autowired
    MeterRegistry meters;

    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("dev.renderbank.ledger");

    @BeforeEach
    void listen() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(lines);
    }

    @Test
    void brokenHoldsAreSkippedNamedCountedAndExpireOnceRepaired() {
        long refusedByCheck = fundedUser(100);
        String checkHold = key("job");
        ledger.reserve(refusedByCheck, 30, checkHold, Duration.ofMinutes(1));
        long accountGone = fundedUser(100);
        String goneHold = key("job");
        ledger.reserve(accountGone, 40, goneHold, Duration.ofMinutes(1));
        // due holds created after the broken ones: the old sweep never reached them
        long healthy = fundedUser(100);
        String fine1 = key("job");
        String fine2 = key("job");
        ledger.reserve(healthy, 10, fine1, Duration.ofMinutes(1));
        ledger.reserve(healthy, 20, fine2, Duration.ofMinutes(1));

        corruptHeld(refusedByCheck, 0);
        Balance goneBalance = ledger.balance(accountGone);
        jdbc.sql("delete from credit_account where user_id = :u")
                .param("u", accountGone)
                .update();
        try {
            clock.advance(Duration.ofMinutes(2));
            double failuresBefore = failures();

            List<ILoggingEvent> errors = sweep();

            assertThat(ledger.hold(fine1).orElseThrow().state()).isEqualTo(HoldState.EXPIRED);
            assertThat(ledger.hold(fine2).orElseThrow().state()).isEqualTo(HoldState.EXPIRED);
            assertThat(ledger.balance(healthy)).isEqualTo(new Balance(100, 0, 0));
            // the broken holds' own work was rolled back: still open, no entry, account untouched
            assertThat(ledger.hold(checkHold).orElseThrow().state()).isEqualTo(HoldState.OPEN);
            assertThat(ledger.hold(goneHold).orElseThrow().state()).isEqualTo(HoldState.OPEN);
            assertThat(entries(checkHold, "EXPIRE") + entries(goneHold, "EXPIRE"))
                    .isZero();
            assertThat(ledger.balance(refusedByCheck)).isEqualTo(new Balance(100, 0, 0));
            assertOneErrorNaming(errors, checkHold, refusedByCheck);
            assertOneErrorNaming(errors, goneHold, accountGone);
            assertThat(failures() - failuresBefore).isGreaterThanOrEqualTo(2);
            assertThat(alertsAbout(checkHold)).isEqualTo(1);
            assertThat(alertsAbout(goneHold)).isEqualTo(1);

            // still broken: tried again, named again once, alerted no more
            List<ILoggingEvent> again = sweep();
            assertOneErrorNaming(again, checkHold, refusedByCheck);
            assertOneErrorNaming(again, goneHold, accountGone);
            assertThat(alertsAbout(checkHold)).isEqualTo(1);
            assertThat(ledger.hold(checkHold).orElseThrow().state()).isEqualTo(HoldState.OPEN);
        } finally {
            corruptHeld(refusedByCheck, 30);
            jdbc.sql("insert into credit_account (user_id, balance, held, debt) values (:u, :b, :h, :d)"
                            + " on conflict (user_id) do nothing")
                    .param("u", accountGone)
                    .param("b", goneBalance.balance())
                    .param("h", goneBalance.held())
                    .param("d", goneBalance.debt())
                    .update();
        }

        // repaired: the next sweep expires them and gives their credits back
        List<ILoggingEvent> repaired = sweep();

        assertThat(ledger.hold(checkHold).orElseThrow().state()).isEqualTo(HoldState.EXPIRED);
        assertThat(ledger.hold(goneHold).orElseThrow().state()).isEqualTo(HoldState.EXPIRED);
        assertThat(ledger.balance(refusedByCheck)).isEqualTo(new Balance(100, 0, 0));
        assertThat(ledger.balance(accountGone)).isEqualTo(new Balance(100, 0, 0));
        assertThat(repaired)
                .noneMatch(e -> e.getFormattedMessage().contains(checkHold)
                        || e.getFormattedMessage().contains(goneHold));
    }

    @Test
    void moreBrokenHoldsThanOneBatchEndTheSweepAndTheHoldsBehindThemStillExpire() {
        int broken = 260; // more than the sweep reads per statement (200)
        long user = fundedUser(broken);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < broken; i++) {
            String k = key("job");
            ledger.reserve(user, 1, k, Duration.ofMinutes(1));
            keys.add(k);
        }
        long healthy = fundedUser(50);
        String fine = key("job");
        ledger.reserve(healthy, 50, fine, Duration.ofMinutes(1));
        corruptHeld(user, 0);
        try {
            clock.advance(Duration.ofMinutes(2));

            List<ILoggingEvent> errors = assertTimeoutPreemptively(Duration.ofSeconds(60), this::sweep);

            assertThat(ledger.hold(fine).orElseThrow().state()).isEqualTo(HoldState.EXPIRED);
            assertThat(ledger.balance(healthy)).isEqualTo(new Balance(50, 0, 0));
            assertThat(keys).allSatisfy(k -> assertOneErrorNaming(errors, k, user));
            assertThat(keys)
                    .allSatisfy(k ->
                            assertThat(ledger.hold(k).orElseThrow().state()).isEqualTo(HoldState.OPEN));
        } finally {
            corruptHeld(user, broken);
        }
        assertTimeoutPreemptively(Duration.ofSeconds(60), this::sweep);
        assertThat(keys)
                .allSatisfy(
                        k -> assertThat(ledger.hold(k).orElseThrow().state()).isEqualTo(HoldState.EXPIRED));
        assertThat(ledger.balance(user)).isEqualTo(new Balance(broken, 0, 0));
    }

    /** One sweep on this thread; the ERROR lines it logged. */
    private List<ILoggingEvent> sweep() {
        int seen;
        synchronized (lines) {
            seen = lines.list.size();
        }
        String thread = Thread.currentThread().getName();
        ledger.expireDue(clock.instant());
        List<ILoggingEvent> logged;
        synchronized (lines) { // the appender adds under this lock (other threads log too)
            logged = List.copyOf(lines.list.subList(seen, lines.list.size()));
        }
        return logged.stream()
                .filter(e -> e.getThreadName().equals(thread) && e.getLevel() == Level.ERROR)
                .toList();
    }

    private static void assertOneErrorNaming(List<ILoggingEvent> errors, String holdKey, long user) {
        assertThat(errors)
                .filteredOn(e -> e.getFormattedMessage().contains(holdKey))
                .as("errors naming " + holdKey)
                .singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage()).contains("user " + user));
    }

    /** Sets the account's held column behind the ledger's back (a corrupt row; or its repair). */
    private void corruptHeld(long user, long held) {
        jdbc.sql("update credit_account set held = :h where user_id = :u")
                .param("h", held)
                .param("u", user)
                .update();
    }

    private double failures() {
        Counter c = meters.find(FAILURES).counter();
        return c == null ? 0 : c.count();
    }

    private long alertsAbout(String holdKey) {
        return jdbc.sql("select count(*) from operator_alert where kind = 'ledger.hold-expiry-failed'"
                        + " and message like '%' || :k || '%'")
                .param("k", holdKey)
                .query(Long.class)
                .single();
    }
}
