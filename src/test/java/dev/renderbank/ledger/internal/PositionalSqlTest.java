package dev.renderbank.ledger.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The hold steps' statements are sent in positional form: every named value must land at each of
 * its places, in the order of the places, and a statement whose names do not match the declared
 * ones must fail when the class loads, not bind a wrong value at run time.
 */
class PositionalSqlTest {

    @Test
    void eachValueIsBoundAtEveryPlaceItsNameAppears() {
        PositionalSql sql = PositionalSql.of(
                "update t set a = :amount, b = :now where k = :key and c >= :amount and d < :now",
                "key",
                "amount",
                "now");

        assertThat(sql.sql()).isEqualTo("update t set a = ?, b = ? where k = ? and c >= ? and d < ?");
        assertThat(sql.bind("k1", 5L, "T")).containsExactly(5L, "T", "k1", 5L, "T");
    }

    @Test
    void nullValuesAndNamesInsideLiteralsAreHandledAsSpringDoes() {
        PositionalSql sql = PositionalSql.of("select :reason, 'not: :a name' where x = :key", "reason", "key");

        assertThat(sql.sql()).isEqualTo("select ?, 'not: :a name' where x = ?");
        assertThat(sql.bind(null, "k")).containsExactly(null, "k");
    }

    @Test
    void aNameNotDeclaredOrADeclaredNameNotUsedIsRefused() {
        assertThatThrownBy(() -> PositionalSql.of("select :a, :b", "a")).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> PositionalSql.of("select :a", "a", "b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(":b");
    }

    @Test
    void valuesMustMatchTheDeclaredNames() {
        PositionalSql sql = PositionalSql.of("select :a, :b", "a", "b");

        assertThatThrownBy(() -> sql.bind("only one")).isInstanceOf(IllegalArgumentException.class);
    }
}
