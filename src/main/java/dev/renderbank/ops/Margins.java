package dev.renderbank.ops;

import dev.renderbank.billing.CreditPrice;
import dev.renderbank.billing.OperatorBilling;
import dev.renderbank.catalog.Catalog;
import dev.renderbank.generation.JobCostRow;
import dev.renderbank.generation.OperatorJobs;
import dev.renderbank.ops.MarginsReport.Line;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import org.springframework.stereotype.Service;

/**
 * The margins page's figures: per job the provider's cost of its priced option (jobs the provider
 * accepted, including the ones that then failed: the provider was paid), next to the credits the
 * users were charged and their money value at the average money kept per credit sold ({@link
 * CreditPrice}: refunds and chargebacks deducted).
 */
@Service
public class Margins {

    /** The longest range one report covers. */
    public static final int MAX_DAYS = 366;

    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

    private final MarginsProperties props;
    private final OperatorJobs jobs;
    private final OperatorBilling billing;
    private final Catalog catalog;

    Margins(MarginsProperties props, OperatorJobs jobs, OperatorBilling billing, Catalog catalog) {
        props.cost().forEach((model, options) -> {
            List<String> keys = catalog.priceKeys(model);
            if (keys.isEmpty()) {
                throw new IllegalStateException(
                        "renderbank.margins.cost." + model + ": no such model in the catalogue");
            }
            options.keySet().forEach(key -> {
                if (!keys.contains(key)) {
                    throw new IllegalStateException("renderbank.margins.cost." + model + "." + key
                            + ": no such priced option; " + model + " has " + keys);
                }
            });
        });
        this.props = props;
        this.jobs = jobs;
        this.billing = billing;
        this.catalog = catalog;
    }

    /** The report over the UTC days [from, to]; throws IllegalArgumentException for a bad range. */
    public MarginsReport report(LocalDate from, LocalDate to) {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to must not be before from");
        }
        if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
            throw new IllegalArgumentException("at most " + MAX_DAYS + " days at once");
        }
        Optional<CreditPrice> price = billing.averageCreditPrice();
        List<JobCostRow> rows = jobs.costBasis(
                from.atStartOfDay().toInstant(ZoneOffset.UTC),
                to.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC));
        TreeSet<String> unpriced = new TreeSet<>();
        List<Priced> priced = new ArrayList<>();
        for (JobCostRow r : rows) {
            String key = catalog.priceKey(r.model(), r.resolution(), r.durationSeconds())
                    .orElse("?");
            BigDecimal unit = props.cost().getOrDefault(r.model(), Map.of()).get(key);
            if (unit == null && r.providerPaid() > 0) {
                unpriced.add(r.model() + "." + key);
            }
            BigDecimal credits = unit == null ? null : unit.multiply(BigDecimal.valueOf(r.providerPaid()));
            priced.add(new Priced(r, r.providerPaid() == 0 ? BigDecimal.ZERO : credits));
        }
        List<Line> perDay = lines(priced, p -> p.row().day() + " " + p.row().model(), price, true, true);
        List<Line> perModel = lines(priced, p -> p.row().model(), price, false, true);
        List<Line> total = lines(priced, p -> "", price, false, false);
        Line all = total.isEmpty() ? line(List.of(), null, null, price) : total.get(0);
        return new MarginsReport(
                from,
                to,
                props.configured(),
                price.map(CreditPrice::currency).orElse(null),
                price.map(CreditPrice::perCreditMinor).orElse(null),
                perDay,
                perModel,
                all,
                List.copyOf(unpriced));
    }

    private record Priced(JobCostRow row, BigDecimal providerCredits) {}

    private List<Line> lines(
            List<Priced> priced,
            Function<Priced, String> group,
            Optional<CreditPrice> price,
            boolean byDay,
            boolean byModel) {
        Map<String, List<Priced>> groups = new LinkedHashMap<>();
        priced.stream()
                .sorted(java.util.Comparator.comparing(group))
                .forEach(p -> groups.computeIfAbsent(group.apply(p), k -> new ArrayList<>())
                        .add(p));
        return groups.values().stream()
                .map(g -> line(
                        g,
                        byDay ? g.get(0).row().day() : null,
                        byModel ? g.get(0).row().model() : null,
                        price))
                .toList();
    }

    private Line line(List<Priced> group, LocalDate day, String model, Optional<CreditPrice> price) {
        long paid = 0;
        long failed = 0;
        long charged = 0;
        BigDecimal credits = BigDecimal.ZERO;
        for (Priced p : group) {
            paid += p.row().providerPaid();
            failed += p.row().failedAfterPaid();
            charged += p.row().creditsCharged();
            credits = credits == null || p.providerCredits() == null ? null : credits.add(p.providerCredits());
        }
        Long cost = credits == null || props.providerCreditsPer1000Minor() == null
                ? null
                : minor(credits.multiply(BigDecimal.valueOf(props.providerCreditsPer1000Minor()))
                        .divide(THOUSAND));
        BigDecimal chargedCredits = BigDecimal.valueOf(charged);
        Long revenue = price.map(pr -> minor(pr.perCreditMinor().multiply(chargedCredits)))
                .orElse(null);
        return Line.of(day, model, paid, failed, credits, cost, charged, revenue);
    }

    private static long minor(BigDecimal amount) {
        return amount.setScale(0, RoundingMode.HALF_UP).longValueExact();
    }
}
