package dev.renderbank.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A failed record stops generation for everyone only when it says the provider's account is out of
 * credits; any other failure is its own job's.
 */
class ProviderOutOfCreditsTest {

    @ParameterizedTest(name = "{0} / {1}: {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "402 | insufficient credits | true",
                "402 | | true",
                "500 | Insufficient credits | true",
                "500 | insufficient balance, please top up | true",
                "500 | Insufficient account balance | true",
                "500 | The current credits are insufficient. Please top up. | true",
                "500 | Your balance is insufficient | true",
                "500 | Insufficient detail in prompt | false",
                "400 | insufficient resolution for upscaling | false",
                "500 | content policy violation | false",
                "500 | | false",
            })
    void onlyTheProvidersCreditsOrBalanceCount(String code, String message, boolean outOfCredits) {
        assertThat(JobPolling.isInsufficientCredits(code, message)).isEqualTo(outOfCredits);
    }
}
