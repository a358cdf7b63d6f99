package dev.renderbank.identity.internal;

import static dev.renderbank.platform.SqlTime.ts;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import dev.renderbank.identity.Passwords;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Deletes the identity rows that have stopped mattering, so the throttle and link tables do not grow
 * with every guess, sign-up and reset ever made: a cluster-safe db-scheduler task every {@code
 * renderbank.retention.sweep-interval}. A throttle row goes only once it can no longer lock, wait or
 * count anything (checked at start: the retention is longer than every window and lock); a one-time
 * link, or an API token, once it was used, revoked or expired long enough ago; the hash of a
 * password a change replaced once the change's repeat window ({@link Passwords#REPEAT_WINDOW}) is
 * over (it is cleared, the account stays). Expired browser sessions are not swept here:
 * Spring Session JDBC deletes them itself ({@code spring.session.jdbc.cleanup-cron}, every minute).
 */
@Configuration(proxyBeanMethods = false)
public class IdentitySweep {

    private static final Logger log = LoggerFactory.getLogger(IdentitySweep.class);

    /** How many rows of each kind one sweep deleted. */
    public record Swept(
            int clientThrottles,
            int accountThrottles,
            int requestLimits,
            int emailTokens,
            int apiTokens,
            int deletedMailboxes,
            int replacedPasswords) {

        int total() {
            return clientThrottles
                    + accountThrottles
                    + requestLimits
                    + emailTokens
                    + apiTokens
                    + deletedMailboxes
                    + replacedPasswords;
        }
    }

    private final JdbcClient jdbc;
    private final RetentionProperties retention;
    private final DeletedMailboxes mailboxes;

    IdentitySweep(
            JdbcClient jdbc,
            RetentionProperties retention,
            LoginProperties login,
            RequestLimitProperties limits,
            DeletedMailboxes mailboxes) {
        this.jdbc = jdbc;
        this.mailboxes = mailboxes;
        this.retention = retention;
        for (Duration enforced : List.of(
                login.clientWindow(),
                login.clientLock(),
                login.accountForgetAfter(),
                login.accountMaxWait(),
                limits.window())) {
            if (retention.throttles().compareTo(enforced) < 0) {
                throw new IllegalStateException("renderbank.retention.throttles (" + retention.throttles()
                        + ") must be at least every sign-in window, lock and wait and the request-limit window ("
                        + enforced + "), or the sweep would forgive them early");
            }
        }
    }

    @Bean
    RecurringTask<Void> identitySweepTask(Clock clock) {
        return Tasks.recurring("identity-sweep", FixedDelay.of(retention.sweepInterval()))
                .execute((instance, context) -> {
                    Swept swept = sweep(clock.instant());
                    if (swept.total() > 0) {
                        log.info("identity sweep: {}", swept);
                    }
                });
    }

    /** Deletes what stopped mattering before {@code now}; each kind one statement. */
    public Swept sweep(Instant now) {
        var throttleCutoff = ts(now.minus(retention.throttles()));
        int clients = jdbc.sql("""
                        delete from login_throttle_client
                         where window_start <= :cutoff and coalesce(locked_until, window_start) <= :cutoff""").param("cutoff", throttleCutoff).update();
        int accounts = jdbc.sql("""
                        delete from login_throttle_account
                         where last_failure_at <= :cutoff and coalesce(blocked_until, last_failure_at) <= :cutoff""").param("cutoff", throttleCutoff).update();
        jdbc.sql("delete from login_device where last_used_at <= :cutoff")
                .param("cutoff", ts(now.minus(KnownBrowsers.FORGET_AFTER)))
                .update();
        int limits = jdbc.sql("delete from request_limit where window_start <= :cutoff")
                .param("cutoff", throttleCutoff)
                .update();
        int tokens = jdbc.sql("""
                        delete from email_token
                         where used_at <= :cutoff or expires_at <= :cutoff""")
                .param("cutoff", ts(now.minus(retention.emailTokens())))
                .update();
        // revoked or expired API tokens (api_token_ended_idx): least() is the earlier of the two set
        int apiTokens = jdbc.sql("delete from api_token where least(revoked_at, expires_at) <= :cutoff")
                .param("cutoff", ts(now.minus(retention.apiTokens())))
                .update();
        int deleted = mailboxes.forgetDeletedBefore(now.minus(retention.deletedAccountDebts()));
        // the hash of a password a change replaced, kept for that change's one repeat: not past its
        // window (app_user_password_replaced_idx holds only the accounts that keep one)
        int replaced = jdbc.sql("""
                        update app_user set password_replaced_hash = null
                         where password_replaced_hash is not null and password_changed_at <= :cutoff""")
                .param("cutoff", ts(now.minus(Passwords.REPEAT_WINDOW)))
                .update();
        return new Swept(clients, accounts, limits, tokens, apiTokens, deleted, replaced);
    }
}
