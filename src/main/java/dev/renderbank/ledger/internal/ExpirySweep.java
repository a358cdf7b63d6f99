package dev.renderbank.ledger.internal;

import dev.renderbank.platform.AlertKind;
import dev.renderbank.platform.OperatorAlerts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Expires every open hold past its deadline ({@code Ledger#expireDue}), one transaction per hold. A
 * hold whose expiry the database refuses (a CHECK constraint or {@code ledger_expect}: only a corrupt
 * account row does that) must not keep the holds behind it held: its own transaction is rolled back,
 * it is logged at ERROR (hold and user), counted ({@value #FAILURES}), alerted once, and left open
 * for the next sweep, which expires it once the row is repaired. The sweep pages by hold number, so it
 * reads each due hold once and ends however many of them fail. A failure to reach the database says
 * nothing about the hold: it ends the sweep, as before.
 */
@Component
public class ExpirySweep {

    /** Holds the sweep could not expire (counted per attempt: a broken hold counts once per sweep). */
    public static final String FAILURES = "renderbank.holds.expiry.failures";

    /** The operator alert raised once per hold that could not be expired. */
    public static final AlertKind ALERT = AlertKind.LEDGER_HOLD_EXPIRY_FAILED;

    private static final Logger log = LoggerFactory.getLogger(ExpirySweep.class);

    private static final int BATCH = 200;

    private final OpenHolds open;
    private final HoldStore holds;
    private final FreedCredits freed;
    private final TransactionTemplate tx;
    private final OperatorAlerts alerts;
    private final Counter failures;

    public ExpirySweep(
            OpenHolds open,
            HoldStore holds,
            FreedCredits freed,
            TransactionTemplate tx,
            OperatorAlerts alerts,
            MeterRegistry meters) {
        this.open = open;
        this.holds = holds;
        this.freed = freed;
        this.tx = tx;
        this.alerts = alerts;
        this.failures = Counter.builder(FAILURES)
                .description("overdue holds the sweep could not expire (a corrupt account row); retried every sweep")
                .register(meters);
    }

    /** Releases, as EXPIRED, every open hold whose deadline is at or before {@code now}; how many it did. */
    public int expireDue(Instant now) {
        int expired = 0;
        long low = open.low(now);
        long from = low;
        List<OpenHolds.Due> due;
        do {
            due = open.due(now, from, BATCH);
            for (OpenHolds.Due hold : due) {
                if (expire(hold, now)) {
                    expired++;
                }
            }
            if (!due.isEmpty()) {
                from = due.get(due.size() - 1).seq() + 1;
            }
        } while (due.size() == BATCH);
        // Nothing due is left open but the holds that failed: the mark stays at or below the first of
        // them, so the next sweep tries them again.
        open.swept(now, low);
        return expired;
    }

    private boolean expire(OpenHolds.Due hold, Instant now) {
        try {
            // One transaction per hold: a slow sweep never keeps many accounts locked, and a refusal
            // rolls back this hold's work alone.
            SettleResult r = tx.execute(status -> {
                SettleResult settled =
                        holds.settle(hold.key(), HoldStore.Settlement.EXPIRE, "hold deadline passed", now);
                if (settled instanceof SettleResult.Settled) {
                    freed.payDebt(hold.userId(), hold.key(), now); // its credits pay any debt first
                }
                return settled;
            });
            return r instanceof SettleResult.Settled s && !s.repeated();
        } catch (CannotCreateTransactionException | DataAccessResourceFailureException e) {
            throw e;
        } catch (RuntimeException e) {
            failures.increment();
            String cause =
                    String.valueOf(NestedExceptionUtils.getMostSpecificCause(e).getMessage());
            log.error(
                    "hold {} of user {} is past its deadline and could not be expired (its credits stay held);"
                            + " tried again next sweep: {}",
                    hold.key(),
                    hold.userId(),
                    cause,
                    e);
            alert(hold, cause);
            return false;
        }
    }

    private void alert(OpenHolds.Due hold, String cause) {
        try {
            alerts.raiseOnce(
                    ALERT,
                    ALERT.code() + ":" + hold.key(),
                    "Hold " + hold.key() + " of user " + hold.userId()
                            + " is past its deadline and could not be expired, so its credits stay held: " + cause
                            + ". The account row is likely corrupt (check credit_account against the ledger with"
                            + " `reconcile`); every sweep tries again and expires it once the row is repaired ("
                            + FAILURES + " counts the attempts).");
        } catch (RuntimeException e) {
            log.warn("could not record the alert about hold {}: {}", hold.key(), e.toString());
        }
    }
}
