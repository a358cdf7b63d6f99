package dev.renderbank.platform;

/**
 * Row counts of SQL statements that must change exactly one row. Zero or two rows there is a bug
 * (or a row that should exist does not), never the caller's input, so it is an {@link
 * IllegalStateException} and the transaction rolls back.
 */
public final class Rows {

    private Rows() {}

    /** Throws unless {@code rows} is 1; {@code what} names the statement in the message. */
    public static void expectOne(int rows, String what) {
        if (rows != 1) {
            throw new IllegalStateException(what + " changed " + rows + " rows, expected 1");
        }
    }
}
