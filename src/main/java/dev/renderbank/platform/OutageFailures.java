package dev.renderbank.platform;

/** How {@link OutageLog} reads a library's failure: whether it is an outage, and its messages in one line. */
final class OutageFailures {

    private OutageFailures() {}

    /**
     * Whether the failure, or one it carries aside, is an outage: db-scheduler's "Failed to rollback."
     * (a closed connection, no SQLState) carries the server's shutdown (57P01) as a suppressed exception.
     */
    static boolean outage(Throwable failure, int depth) {
        if (DatabaseOutage.causedBy(failure)) {
            return true;
        }
        for (Throwable t = failure; t != null && depth < 4; t = t.getCause() == t ? null : t.getCause()) {
            for (Throwable aside : t.getSuppressed()) {
                if (outage(aside, depth + 1)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The messages of the cause chain, outermost first: the first failure's cause without a stack trace. */
    static String chain(Throwable failure) {
        StringBuilder s = new StringBuilder();
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 8; t = t.getCause() == t ? null : t.getCause(), depth++) {
            if (!s.isEmpty()) {
                s.append(" <- ");
            }
            s.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        }
        return s.toString();
    }
}
