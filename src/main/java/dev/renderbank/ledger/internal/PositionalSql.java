package dev.renderbank.ledger.internal;

import java.util.HashMap;
import java.util.Map;
import org.springframework.jdbc.core.namedparam.NamedParameterUtils;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A statement written with named parameters (readable, each value named once) and turned into JDBC's
 * positional form once, when the class loads. Given named parameters, {@link JdbcClient} parses the
 * statement, looks every occurrence up in a map and rebuilds the SQL text on every execution; on the
 * hold steps (two per job, the product's hottest statements) that machinery was about a quarter of
 * the ledger JVM's sampled CPU (bench/ledger/profile.sh, 2026-11-30). Here an execution only fills
 * an array. PostgreSQL receives the same statement either way: Spring's own conversion ({@link
 * NamedParameterUtils}) makes the positional text.
 */
final class PositionalSql {

    private final String sql;

    /** For each {@code ?} of {@link #sql}, in order: the index of its value among the declared names. */
    private final int[] slots;

    private final int names;

    private PositionalSql(String sql, int[] slots, int names) {
        this.sql = sql;
        this.slots = slots;
        this.names = names;
    }

    /**
     * {@code namedSql} with its parameters {@code names} (each used at least once, none other): values
     * are later given in this order.
     */
    static PositionalSql of(String namedSql, String... names) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            if (index.put(names[i], i) != null) {
                throw new IllegalArgumentException("parameter :" + names[i] + " declared twice");
            }
        }
        // Unknown names fail here (Spring refuses a name without a value).
        Object[] occurrences = NamedParameterUtils.buildValueArray(namedSql, index);
        int[] slots = new int[occurrences.length];
        boolean[] used = new boolean[names.length];
        for (int i = 0; i < occurrences.length; i++) {
            slots[i] = (Integer) occurrences[i];
            used[slots[i]] = true;
        }
        for (int i = 0; i < names.length; i++) {
            if (!used[i]) {
                throw new IllegalArgumentException("parameter :" + names[i] + " is not in the statement");
            }
        }
        return new PositionalSql(NamedParameterUtils.parseSqlStatementIntoString(namedSql), slots, names.length);
    }

    /** The statement with {@code values} (in the declared names' order) bound at each of their places. */
    JdbcClient.StatementSpec on(JdbcClient jdbc, Object... values) {
        return jdbc.sql(sql).params(bind(values));
    }

    /** {@code values} (in the declared names' order) as the positional parameters, one per {@code ?}. */
    Object[] bind(Object... values) {
        if (values.length != names) {
            throw new IllegalArgumentException("expected " + names + " values, got " + values.length);
        }
        Object[] bound = new Object[slots.length];
        for (int i = 0; i < slots.length; i++) {
            bound[i] = values[slots[i]];
        }
        return bound;
    }

    String sql() {
        return sql;
    }
}
