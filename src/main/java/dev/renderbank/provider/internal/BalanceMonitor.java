package dev.renderbank.provider.internal;

import dev.renderbank.platform.AlertKind;
import dev.renderbank.platform.DatabaseReadings;
import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.platform.SqlTime;
import dev.renderbank.platform.StorableText;
import dev.renderbank.provider.Availability;
import dev.renderbank.provider.BalanceOutcome;
import dev.renderbank.provider.BalanceReading;
import dev.renderbank.provider.ProviderError;
import dev.renderbank.provider.ProviderGateway;
import dev.renderbank.provider.ProviderStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
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
    public static final String BALANCE_AGE_GAUGE = "renderbank.provider.balance.age.seconds";

    /** The longest error kept of a failed check (it may quote the provider's answer). */
    private static final int MAX_ERROR = 2000;

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
            DatabaseReadings readings,
            MeterRegistry meters) {
        this.gateway = gateway;
        this.status = status;
        this.alerts = alerts;
        this.jdbc = jdbc;
        this.tx = tx;
        this.clock = clock;
        this.settings = properties.balance();
        // one reading for the three gauges; a scrape waits for the database only briefly
        DatabaseReadings.Reading<Figures> figures = readings.source("provider-balance")
                .reading(() ->
                        new Figures(status.balanceReading(), status.current().available()));
        Gauge.builder(
                        BALANCE_GAUGE,
                        figures,
                        r -> r.gauge(f ->
                                f.reading().credits() == null ? -1 : f.reading().credits()))
                .description("The provider account's credits at the last balance check (-1 before the first)")
                .register(meters);
        Gauge.builder(BALANCE_AGE_GAUGE, figures, r -> r.gauge(f -> ageSeconds(f.reading())))
                .description("Seconds since a balance check last read the provider's credits (-1 before the first)")
                .register(meters);
        Gauge.builder("renderbank.provider.available", figures, r -> r.gauge(f -> f.available() ? 1 : 0))
                .description("1 while generation requests may go to the provider, 0 while exhausted or unauthorized")
                .register(meters);
    }

    /** What the gauges show, read in one go. */
    private record Figures(BalanceReading reading, boolean available) {}

    /** Reads the balance now, records it, alerts on a crossing, trips or clears the exhausted state. */
    public BalanceOutcome check() {
        // noted before asking: a trip that comes while the provider answers makes this reading stale
        long epoch = status.tripEpoch();
        BalanceOutcome outcome = gateway.balance();
        if (outcome instanceof BalanceOutcome.Known known) {
            record(known.credits(), epoch);
            readAgain();
        } else {
            // 401 already tripped the status in the gateway; anything else: try again next time
            String error = inWords(outcome);
            log.warn("Provider balance check failed: {}", error);
            failed(error);
        }
        return outcome;
    }

    /**
     * Notes since when the checks fail (the first failure of a spell) and what the last one got; once
     * that is longer ago than {@code unknown-alert-after}, operators are told, once per spell: the
     * gauge and the dashboard still show the last balance read, which may be hours old.
     */
    private void failed(String what) {
        Instant now = clock.instant();
        String error = StorableText.of(what, MAX_ERROR);
        Instant since = jdbc.sql("""
                        update provider_balance
                           set check_failed_since = coalesce(check_failed_since, :now), check_error = :error
                         where id = 1 returning check_failed_since""")
                .param("now", now.atOffset(ZoneOffset.UTC))
                .param("error", error)
                .query((rs, n) -> SqlTime.instant(rs, "check_failed_since"))
                .single();
        Duration failing = Duration.between(since, now);
        if (failing.compareTo(settings.unknownAlertAfter()) >= 0) {
            Instant readAt = jdbc.sql("select checked_at from provider_balance where id = 1")
                    .query((rs, n) -> SqlTime.instant(rs, "checked_at"))
                    .single();
            alerts.raiseSpell(
                    AlertKind.PROVIDER_BALANCE_UNKNOWN,
                    "The provider balance could not be read for " + failing.toMinutes() + " min (since " + since
                            + "; the last check got: " + error + "). The balance shown ("
                            + lastKnownBalance().stream()
                                    .mapToObj(Long::toString)
                                    .findFirst()
                                    .orElse("none")
                            + ") was read " + (readAt == null ? "never" : "at " + readAt)
                            + ": low-balance and out-of-credits alerts cannot come meanwhile. Check the provider"
                            + " (its status page, renderbank.provider.kie.*) and the provider.failing alert.");
        }
    }

    /** A check read the balance: a spell of failed checks ends, and operators hear so if it was alerted. */
    private void readAgain() {
        Instant since = jdbc.sql("""
                        update provider_balance b set check_failed_since = null, check_error = null
                          from (select check_failed_since from provider_balance where id = 1) as before
                         where b.id = 1 and b.check_failed_since is not null
                        returning before.check_failed_since as since""")
                .query((rs, n) -> SqlTime.instant(rs, "since"))
                .optional()
                .orElse(null);
        alerts.endSpell(
                AlertKind.PROVIDER_BALANCE_UNKNOWN,
                AlertKind.PROVIDER_BALANCE_KNOWN,
                "The provider balance is read again (" + lastKnownBalance().orElse(-1) + " credits)"
                        + (since == null ? "" : " after failing checks since " + since) + ".");
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

    private double ageSeconds(BalanceReading reading) {
        Duration age = reading.age(clock.instant());
        return age == null ? -1 : age.toSeconds();
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

    /** What a failed check got, for the dashboard and the alert: "timeout: no answer within PT30S". */
    private static String inWords(BalanceOutcome outcome) {
        if (outcome instanceof BalanceOutcome.Unavailable u && u.error() != null) {
            ProviderError error = u.error();
            String kind = error.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ');
            String code = error.code() > 0 ? " (HTTP/code " + error.code() + ")" : "";
            return kind + code + (error.message() == null || error.message().isBlank() ? "" : ": " + error.message());
        }
        return String.valueOf(outcome);
    }
}
