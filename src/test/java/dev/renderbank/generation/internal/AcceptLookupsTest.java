package dev.renderbank.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.catalog.AssetType;
import dev.renderbank.catalog.GenerationSpec;
import dev.renderbank.generation.AcceptOutcome;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Issue 15: the accept's transaction makes no lookup it does not need. Its lookups on the
 * user's limit row and on db-scheduler's table are counted by PostgreSQL itself, in this session
 * only ({@code pg_stat_xact_user_tables}), so nothing else running meanwhile counts:
 * the limit row of a returning user is locked with one lookup (not an insert attempt and then a
 * select) and the cooldown set with one more; the new job's task, whose id was just made up, is
 * inserted without first looking for an existing one.
 */
class AcceptLookupsTest extends IntegrationTest {

    @Autowired
    Acceptance acceptance;

    @Autowired
    TestUsers users;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate tx;

    @Test
    void aReturningUsersAcceptLooksUpTheLimitRowOnceAndTheNewTaskNever() {
        long user = users.create(1_000).id();
        assertThat(accept(user)).isInstanceOf(AcceptOutcome.Accepted.class); // creates the limit row
        clock.advance(Duration.ofMinutes(10)); // past the image cooldown

        record Lookups(long limitRow, long tasks) {}
        Lookups counted = tx.execute(status -> {
            status.setRollbackOnly();
            long limitBefore = lookups("generation_limit");
            long tasksBefore = lookups("scheduled_tasks");
            assertThat(accept(user)).isInstanceOf(AcceptOutcome.Accepted.class);
            return new Lookups(lookups("generation_limit") - limitBefore, lookups("scheduled_tasks") - tasksBefore);
        });

        assertThat(counted.limitRow())
                .as("lookups of the limit row: lock it, set the cooldown")
                .isEqualTo(2);
        assertThat(counted.tasks())
                .as("lookups in scheduled_tasks before inserting the new task")
                .isZero();
    }

    private AcceptOutcome accept(long user) {
        return acceptance.accept(
                user,
                new GenerationSpec(AssetType.IMAGE, "nano-banana", "a lighthouse", List.of(), "1K", "png", null, null),
                null);
    }

    /**
     * Scans of {@code table}, by index or sequential (for a small table the planner's choice flips
     * once autovacuum has analysed it: counting index scans alone read 0 in a full run), that this
     * session has not yet reported (they include earlier transactions of the pooled connection;
     * reports happen only between transactions, so a difference within one transaction counts just
     * what happened in between).
     */
    private long lookups(String table) {
        return jdbc.sql("select coalesce(idx_scan, 0) + seq_scan from pg_stat_xact_user_tables where relname = :t")
                .param("t", table)
                .query(Long.class)
                .optional()
                .orElse(0L);
    }
}
