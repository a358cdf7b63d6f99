package dev.renderbank.ops;

/**
 * Which page of a user's jobs and ledger entries a dossier shows: the {@code nextCursor} each list
 * of the previous page gave (null: the newest), and how many of each.
 */
public record DossierPage(String jobsCursor, String historyCursor, int jobsLimit, int historyLimit) {

    /** The newest 20 jobs and 50 entries. */
    public static final DossierPage FIRST = new DossierPage(null, null, 20, 50);

    /** The most of either list one page shows. */
    public static final int MAX_LIMIT = 100;
}
