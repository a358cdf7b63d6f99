package dev.renderbank.ops;

import dev.renderbank.ops.internal.AuditLog;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.stereotype.Service;

/** The operator actions as recorded, for the audit page and API. */
@Service
public class Audit {

    private final AuditLog log;

    Audit(AuditLog log) {
        this.log = log;
    }

    /** Newest first; blank filters match everything; {@code beforeId} pages. */
    public List<OperatorAction> list(String actor, String action, String target, Long beforeId, int limit) {
        return list(actor, action, target, null, null, beforeId, limit);
    }

    /** As above, of the UTC days [from, to] (either null: unbounded). */
    public List<OperatorAction> list(
            String actor, String action, String target, LocalDate from, LocalDate to, Long beforeId, int limit) {
        if (from != null && to != null && to.isBefore(from)) {
            throw new IllegalArgumentException("to must not be before from");
        }
        if (limit < 1 || limit > 200) {
            throw new IllegalArgumentException("limit must be between 1 and 200");
        }
        return log.list(
                blankToNull(actor),
                blankToNull(action),
                blankToNull(target),
                from == null ? null : from.atStartOfDay(ZoneOffset.UTC).toInstant(),
                to == null ? null : to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(),
                beforeId,
                limit);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
