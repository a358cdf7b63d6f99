package dev.renderbank.generation.internal;

import dev.renderbank.generation.internal.JobDriver.TaskMove;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A job's state change on the submit path and, with it, the move of the job's durable task ({@link
 * TaskMove}), within the submit path's share of the connections ({@link SubmitConnections}). A submit
 * outside the task ({@link JobSubmitter}) moves the task in the same transaction as the change, so the
 * two are one commit; the task's own run ({@link TaskMove#NONE}) reschedules it when the run ends, and
 * a change of one statement then commits alone (autocommit: no transaction opened around it, issue 15).
 */
@Component
class TaskMoves {

    private final TransactionTemplate tx;
    private final SubmitConnections connections;

    TaskMoves(TransactionTemplate tx, SubmitConnections connections) {
        this.tx = tx;
        this.connections = connections;
    }

    /**
     * A change that needs no transaction of its own (one statement, or compare-and-sets each safe
     * alone): in autocommit when the task does not move here, else in one transaction with the move.
     */
    boolean one(BooleanSupplier change, Instant next, TaskMove move) {
        if (move == TaskMove.NONE) {
            return connections.use(change::getAsBoolean);
        }
        return together(change, next, move);
    }

    /** A change of several statements, which commit together and with the task's move: one transaction. */
    boolean together(BooleanSupplier change, Instant next, TaskMove move) {
        return connections.use(() -> Boolean.TRUE.equals(tx.execute(status -> {
            boolean won = change.getAsBoolean();
            move.to(next);
            return won;
        })));
    }
}
