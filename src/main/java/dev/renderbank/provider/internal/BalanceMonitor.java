package dev.renderbank.provider.internal;

import dev.renderbank.platform.AlertKind;
import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.provider.Availability;
import dev.renderbank.provider.BalanceOutcome;
import dev.renderbank.provider.ProviderGateway;
import dev.renderbank.provider.ProviderStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reads the provider account's credits (periodically, see {@code ProviderTasks}), exports them as
 * the gauge {@value #BALANCE_GAUGE}, alerts operators once per crossing below
 * {@code renderbank.provider.balance.low-threshold} (and once when back above), and drives the
 * exhausted state: a balance below {@code resume-threshold} trips it (unless an operator resumed the
 * provider since its last refusal: {@link ProviderStatus#resumeByOperator}); one that is enough for
 * what the provider refused ({@link ProviderStatus#resume}) clears it, unless a trip came while it was
 * read.
 * The last reading and the low flag live in the database, so "once" holds across nodes and restarts.
 */
@Service
public class BalanceMonitor {

    public static final String BALANCE_GAUGE = "renderbank.provider.balance";

    private static final Logger log = LoggerFactory.getLogger(BalanceMonitor.class);

    private final ProviderGateway gateway;
    private final ProviderStatus status;
    private final OperatorAlerts alerts;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final ProviderProperties.Balance settings;

    BalanceMonitor(
            ProviderGateway gateway,
            ProviderStatus status,
            OperatorAlerts alerts,
            JdbcClient jdbc,
            TransactionTemplate tx,
            Clock clock,
            ProviderProperties properties,
            MeterRegistry meters) {
        this.gateway = gateway;
        this.status = status;
        this.alerts = alerts;
        this.jdbc = jdbc;
        this.tx = tx;
        this.clock = clock;
        this.settings = properties.balance();
        Gauge.builder(BALANCE_GAUGE, this, m -> (double) m.lastKnownBalance().orElse(-1))
                .description("The provider account's credits at the last balance check (-1 before the first)")
                .register(meters);
        Gauge.builder("renderbank.provider.available", status, s -> s.current().available() ? 1 : 0)
                .description("1 while generation requests may go to the provider, 0 while exhausted or unauthorized")
                .register(meters);
    }

    /** Reads the balance now, records it, alerts on a crossing, trips or clears the exhausted state. */
    public BalanceOutcome check() {
        // noted before asking: a trip that comes while the provider answers makes this reading stale
        long epoch = status.tripEpoch();
        BalanceOutcome outcome = gateway.balance();
        if (outcome instanceof BalanceOutcome.Known known) {
            record(known.credits(), epoch);
        } else {
            // 401 already tripped the status in the gateway; anything else: try again next time
            log.warn("Provider balance check failed: {}", outcome);
        }
        return outcome;
    }

    /** While the provider is exhausted or unauthorized, reads the balance to see whether it is back. */
    public Availability recheckWhileTripped() {
        if (!status.current().available()) {
            check();
        }
        return status.current();
    }

    public OptionalLong lastKnownBalance() {
        Long credits = jdbc.sql("select credits from provider_balance where id = 1")
                .query(Long.class)
                .optional()
                .orElse(null);
        return credits == null ? OptionalLong.empty() : OptionalLong.of(credits);
    }

    private void record(long credits, long epochBefore) {
        tx.executeWithoutResult(s -> {
            jdbc.sql("update provider_balance set credits = :credits, checked_at = :now where id = 1")
                    .param("credits", credits)
                    .param("now", clock.instant().atOffset(ZoneOffset.UTC))
                    .update();
            if (credits < settings.lowThreshold()) {
                if (flipLow(true)) {
                    alerts.raise(
                            AlertKind.PROVIDER_BALANCE_LOW,
                            "The provider account has " + credits + " credits left, below the alert threshold of "
                                    + settings.lowThreshold() + ". Top it up before generations start failing.");
                }
            } else if (flipLow(false)) {
                alerts.raise(
                        AlertKind.PROVIDER_BALANCE_RECOVERED,
                        "The provider account has " + credits + " credits again, at or above the alert threshold of "
                                + settings.lowThreshold() + ".");
            }
        });
        String detail = "a balance check shows " + credits + " provider credits";
        if (credits < settings.resumeThreshold()) {
            if (!status.tripOnLowReading(detail) && status.current().available()) {
                log.info("The provider stays available although {}: an operator resumed it", detail);
            }
            return;
        }
        status.readingEnough();
        if (!status.current().available() && !status.resume(epochBefore, credits, detail)) {
            log.info(
                    "The provider stays unavailable: {}, it resumes at {} (or the reading began before a trip)",
                    detail,
                    status.resumesAt());
        }
    }

    /** True for the one check that moves the stored flag, whichever node it runs on. */
    private boolean flipLow(boolean low) {
        return jdbc.sql("update provider_balance set low = :low where id = 1 and low <> :low")
                        .param("low", low)
                        .update()
                == 1;
    }
}
