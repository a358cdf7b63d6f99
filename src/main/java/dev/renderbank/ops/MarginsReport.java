package dev.renderbank.ops;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/**
 * Provider cost next to credits charged and their money value, over [from, to] (UTC days). Money
 * in minor units of {@code currency} (null when nothing was bought yet); a cost is null where an
 * option it needs has no configured cost ({@code unpriced} names them).
 */
public record MarginsReport(
        LocalDate from,
        LocalDate to,
        boolean configured,
        String currency,
        BigDecimal creditPriceMinor,
        List<Line> perDay,
        List<Line> perModel,
        Line total,
        List<String> unpriced) {

    /** One day and model ({@code day} null: all days; {@code model} null: all models). */
    public record Line(
            LocalDate day,
            String model,
            long providerPaidJobs,
            long failedAfterPaid,
            BigDecimal providerCredits,
            Long costMinor,
            long creditsCharged,
            Long revenueMinor,
            Long marginMinor) {

        /** {@code marginMinor} is revenue minus cost, null when either is unknown. */
        static Line of(
                LocalDate day,
                String model,
                long paid,
                long failed,
                BigDecimal credits,
                Long cost,
                long charged,
                Long revenue) {
            Long margin = cost == null || revenue == null ? null : revenue - cost;
            return new Line(day, model, paid, failed, credits, cost, charged, revenue, margin);
        }
    }
}
