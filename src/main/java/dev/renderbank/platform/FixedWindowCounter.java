package dev.renderbank.platform;

import static dev.renderbank.platform.SqlTime.instant;
import static dev.renderbank.platform.SqlTime.ts;

import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Per-key counts in fixed windows, kept in PostgreSQL so a limit holds across every node sharing the
 * database: "count this hit in the key's current window if the window has room" in one conditional
 * upsert, so hits at once (on any node) never pass the limit together. A key's window begins with its
 * first hit after its last window ended, and lasts {@code window}.
 *
 * <p>One instance per table, made by the module that owns the table: {@code (<key> primary key,
 * window_start timestamptz not null, <count> int not null)}. The table and column names are fixed
 * identifiers of the code, checked when the counter is made; keys, times and limits are bound as
 * parameters. Runs in the caller's transaction, if any (a rollback takes the hit back).
 *
 * @param <K> the key's Java type ({@code Long} for a {@code bigint} key, {@code String} for {@code text})
 */
public final class FixedWindowCounter<K> {

    /** A lower-case SQL identifier: nothing that needs quoting, nothing that could end the statement. */
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /** What one hit came to. */
    public sealed interface Hit {}

    /** Counted: the key's current window held room for it. */
    public record Counted() implements Hit {}

    /** Not counted: the key's current window is full until {@code windowEnds}. */
    public record Refused(Instant windowEnds) implements Hit {}

    private final JdbcClient jdbc;
    private final String upsert;
    private final String windowStart;

    /**
     * A counter over {@code table}, its rows named by {@code keyColumn} and counted in {@code
     * countColumn}. Names are code, never input: each must be a plain lower-case SQL identifier.
     */
    public FixedWindowCounter(JdbcClient jdbc, String table, String keyColumn, String countColumn) {
        this.jdbc = jdbc;
        String t = identifier(table);
        String k = identifier(keyColumn);
        String c = identifier(countColumn);
        // a window that began at or before now - window has ended: the hit starts a new one
        this.upsert = """
                insert into %1$s as w (%2$s, window_start, %3$s) values (:key, :now, 1)
                on conflict (%2$s) do update set
                    window_start = case when w.window_start <= :ended then :now else w.window_start end,
                    %3$s = case when w.window_start <= :ended then 1 else w.%3$s + 1 end
                where w.window_start <= :ended or w.%3$s < :max
                returning %3$s""".formatted(t, k, c);
        this.windowStart = "select window_start from %s where %s = :key".formatted(t, k);
    }

    /**
     * Counts one hit of {@code key} at {@code now} if fewer than {@code max} were counted in its
     * current window of {@code window}; else counts nothing and tells when that window ends.
     */
    public Hit hit(K key, Instant now, Duration window, int max) {
        if (count(key, now, window, max)) {
            return new Counted();
        }
        // the full window's row, read after the upsert saw it (a sweep may just have deleted it)
        return new Refused(jdbc.sql(windowStart)
                .param("key", key)
                .query((rs, n) -> instant(rs, "window_start").plus(window))
                .optional()
                .orElse(now.plus(window)));
    }

    /**
     * As {@link #hit}, for a caller that needs no more than the answer: true when counted, false when
     * the window was full (one statement, nothing read after it).
     */
    public boolean count(K key, Instant now, Duration window, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("a window must hold at least one hit (was " + max + ")");
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a window must be positive (was " + window + ")");
        }
        // no row back: the conflicting row's window is current and full, so it was left as it was
        return !jdbc.sql(upsert)
                .param("key", key)
                .param("now", ts(now))
                .param("ended", ts(now.minus(window)))
                .param("max", max)
                .query(Integer.class)
                .list()
                .isEmpty();
    }

    private static String identifier(String name) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain SQL identifier: " + name);
        }
        return name;
    }
}
