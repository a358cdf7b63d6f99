package dev.renderbank.ops;

import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * What a job costs at the provider, for the margins page: {@code cost.<model>.<option key>} in the
 * provider's own credits per job (option key as in the catalogue's {@code prices}, e.g. {@code 2K}
 * or {@code 720p-10}, or {@code default} for a model with one price), and {@code
 * providerCreditsPer1000Minor}, the price of 1,000 provider credits in minor units of the currency
 * users pay in. Unset by default; the page then says that margins are not configured. Every option
 * key is checked at startup ({@link Margins}): one no model can be priced by refuses the start; a
 * model or option no longer on sale is accepted with a WARN ({@code unknown} prices jobs whose
 * options an account deletion erased).
 */
@Validated
@ConfigurationProperties("renderbank.margins")
public record MarginsProperties(
        Map<String, Map<String, @PositiveOrZero BigDecimal>> cost,
        @Positive Long providerCreditsPer1000Minor) {

    public MarginsProperties {
        cost = cost == null ? Map.of() : new LinkedHashMap<>(cost);
    }

    public boolean configured() {
        return providerCreditsPer1000Minor != null && !cost.isEmpty();
    }
}
