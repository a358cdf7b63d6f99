package dev.renderbank.ops;

import dev.renderbank.billing.CreditPrice;
import dev.renderbank.billing.OperatorBilling;
import dev.renderbank.catalog.AssetType;
import dev.renderbank.catalog.Catalog;
import dev.renderbank.catalog.CatalogProperties.ModelConfig;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    /**
     * The option key of jobs whose options were erased: an account deleted before deletion kept the
     * options a price depends on left {@code options = '{}'}.
     */
    public static final String UNKNOWN_OPTION = "unknown";

    private static final Logger log = LoggerFactory.getLogger(Margins.class);

    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

    private final MarginsProperties props;
    private final OperatorJobs jobs;
    private final OperatorBilling billing;
    private final Catalog catalog;

    Margins(MarginsProperties props, OperatorJobs jobs, OperatorBilling billing, Catalog catalog) {
        props.cost().forEach((model, options) -> options.keySet().forEach(key -> check(catalog, model, key)));
        this.props = props;
        this.jobs = jobs;
        this.billing = billing;
        this.catalog = catalog;
    }

    /**
     * A cost's key must be one a model could be priced by (a typo would price nothing and say nothing).
     * A model or option no longer on sale is only warned about: its cost still prices the jobs
     * accepted while it was sold, and refusing it would leave those ranges without a cost.
     */
    private static void check(Catalog catalog, String model, String key) {
        String name = "renderbank.margins.cost." + model + "." + key;
        ModelConfig m = catalog.models().get(model);
        List<String> possible = new ArrayList<>(List.of(Catalog.SINGLE_PRICE, UNKNOWN_OPTION));
        if (m == null) {
            possible.addAll(Catalog.possiblePriceKeys(AssetType.IMAGE));
            possible.addAll(Catalog.possiblePriceKeys(AssetType.VIDEO));
        } else {
            possible.addAll(Catalog.possiblePriceKeys(m.type()));
        }
        if (!possible.contains(key)) {
            throw new IllegalStateException(name + ": not a priced option of "
                    + (m == null ? "any model" : "a " + m.type().label() + " model") + "; one of " + possible);
        }
        if (m == null) {
            log.warn("{}: {} is not in the catalogue; the cost prices its past jobs only", name, model);
        } else if (!key.equals(UNKNOWN_OPTION) && !catalog.priceKeys(model).contains(key)) {
            log.warn(
                    "{}: not on sale ({} has {}); the cost prices past jobs of that option only",
                    name,
                    model,
                    catalog.priceKeys(model));
        }
    }

    /**
     * The priced option of a row: as the catalogue prices the model today; for a model no longer in
     * it, the most specific key its options name that a cost is configured for; {@value
     * #UNKNOWN_OPTION} for jobs whose options were erased.
     */
    private String key(JobCostRow r) {
        if (!catalog.priceKeys(r.model()).isEmpty()) {
            return catalog.priceKey(r.model(), r.resolution(), r.durationSeconds())
                    .orElse(UNKNOWN_OPTION);
        }
        List<String> candidates = new ArrayList<>();
        if (r.resolution() != null && r.durationSeconds() != null) {
            candidates.add(r.resolution() + "-" + r.durationSeconds());
        }
        if (r.resolution() != null) {
            candidates.add(r.resolution());
        }
        candidates.add(Catalog.SINGLE_PRICE);
        candidates.add(UNKNOWN_OPTION);
        Map<String, BigDecimal> costs = props.cost().getOrDefault(r.model(), Map.of());
        return candidates.stream()
                .filter(costs::containsKey)
                .findFirst()
                .orElse(r.resolution() == null ? UNKNOWN_OPTION : candidates.get(0));
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
            String key = key(r);
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
