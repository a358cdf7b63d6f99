package dev.renderbank.platform;

/** The row-count check of hand-written SQL: a statement that must change exactly one row. */
public final class RowCount {

    private RowCount() {}

    /**
     * Throws when {@code rows} is not 1: not an expected outcome but a bug or a broken invariant, so
     * the surrounding transaction must roll back.
     */
    public static void expectOne(int rows, String what) {
        if (rows != 1) {
            throw new IllegalStateException(what + " changed " + rows + " rows, expected 1");
        }
    }
}
