package dev.renderbank.ledger.internal;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import dev.renderbank.ledger.Ledger;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The ledger's own sweep: every {@code renderbank.ledger.hold-expiry-interval} (30s) a cluster-safe
 * db-scheduler task releases, as EXPIRED, the open holds past their deadline ({@link
 * Ledger#expireDue}). A hold outlives its job's deadline by a margin, so this only ever catches holds
 * whose owner lost track of them; no other module has to remember to call it.
 */
@Configuration(proxyBeanMethods = false)
class HoldExpiry {

    private static final Logger log = LoggerFactory.getLogger(HoldExpiry.class);

    @ConfigurationProperties("renderbank.ledger")
    record Properties(@DefaultValue("30s") Duration holdExpiryInterval) {

        Properties {
            if (holdExpiryInterval.isNegative() || holdExpiryInterval.isZero()) {
                throw new IllegalArgumentException("renderbank.ledger.hold-expiry-interval must be positive");
            }
        }
    }

    @Bean
    RecurringTask<Void> ledgerHoldExpiryTask(Properties props, ObjectProvider<Ledger> ledger, Clock clock) {
        return Tasks.recurring("ledger-hold-expiry", FixedDelay.of(props.holdExpiryInterval()))
                .execute((instance, context) -> {
                    int expired = ledger.getObject().expireDue(clock.instant());
                    if (expired > 0) {
                        log.info("{} overdue holds expired", expired);
                    }
                });
    }
}
