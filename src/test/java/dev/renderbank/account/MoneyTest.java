package dev.renderbank.account;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Minor units become the currency's own decimals: cents for dollars and euros, none for yen. */
class MoneyTest {

    @Test
    void formatsMinorUnitsWithTheCurrencysDecimals() {
        assertThat(Money.format(2290, "USD")).isEqualTo("$22.90");
        assertThat(Money.format(990, "EUR")).isEqualTo("€9.90");
        assertThat(Money.format(2290, "JPY")).isEqualTo("¥2,290");
        assertThat(Money.format(22000, "usd")).isEqualTo("$220.00");
        assertThat(Money.format(123456, "CHF")).isEqualTo("CHF 1,234.56");
    }
}
