package dev.renderbank.ops.reconcile;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The transaction-scoped locks that order acknowledgements against each other and against a run
 * storing its findings (PostgreSQL advisory locks, released when the transaction ends).
 *
 * <p>An acknowledgement marks its finding and then every other run's finding of the same difference;
 * two operators acknowledging that difference from two runs' findings at once each held their own
 * finding's row and waited for the other's, and PostgreSQL aborted one ("deadlock detected", a 500).
 * An acknowledgement now takes the lock of its difference (kind and subject) before it touches a
 * finding's row: the second waits for the first, then finds its finding acknowledged by it.
 *
 * <p>A run stores its findings under the storing lock, exclusively, and reads the acknowledgements
 * again under it; an acknowledgement holds that lock shared. So an acknowledgement committed before
 * the run stores is read by the run, and one that commits after it marks the run's findings too:
 * none falls between them.
 */
@Component
public class FindingLocks {

    private static final String STORING = "reconcile-findings";

    private final JdbcClient jdbc;

    FindingLocks(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Taken by a run before it reads the acknowledgements again and stores its findings. */
    public void lockStoring() {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended(:k, 0))")
                .param("k", STORING)
                .query((rs, n) -> 1)
                .list();
    }

    /**
     * Taken by an acknowledgement of the finding {@code findingId} before it locks or reads the
     * finding's row: the storing lock shared, then the lock of the finding's difference. Nothing but
     * the storing lock for an unknown finding.
     */
    public void lockAcknowledging(long findingId) {
        jdbc.sql("select pg_advisory_xact_lock_shared(hashtextextended(:k, 0))")
                .param("k", STORING)
                .query((rs, n) -> 1)
                .list();
        jdbc.sql("""
                        select pg_advisory_xact_lock(hashtextextended('reconcile-acknowledge:' || kind || ' ' || subject, 0))
                          from reconciliation_finding where id = :id""").param("id", findingId).query((rs, n) -> 1).list();
    }
}
