package dev.renderbank.identity.internal;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code renderbank.retention.*}: how long the identity module keeps rows that only matter for a
 * while, and how often it sweeps them.
 *
 * @param sweepInterval how often the sweep runs (one node at a time)
 * @param throttles how long sign-in throttle and request-limit rows are kept after their last use;
 *     must be at least every window, lock and wait they enforce, or a sweep would forgive a
 *     guesser early (checked at start)
 * @param emailTokens how long a used or expired one-time link is kept (its row only says "this link
 *     was used"; after that it reads as unknown)
 * @param apiTokens how long an API token is kept after it was revoked or expired (listed as expired
 *     until then; a user's creations of the last 24 hours are counted from these rows, so at least a
 *     day: checked at start)
 * @param deletedAccountDebts how long a deleted account's mailbox is remembered (a keyed digest,
 *     {@link DeletedMailboxes}) so that a new account of it starts owing the deleted account's debt;
 *     after that a new account of the mailbox starts clean (the debt stays on the deleted account, for
 *     operators)
 */
@Validated
@ConfigurationProperties("renderbank.retention")
public record RetentionProperties(
        @DefaultValue("1h") @NotNull Duration sweepInterval,
        @DefaultValue("7d") @NotNull Duration throttles,
        @DefaultValue("30d") @NotNull Duration emailTokens,
        @DefaultValue("30d") @NotNull Duration apiTokens,
        @DefaultValue("365d") @NotNull Duration deletedAccountDebts) {

    public RetentionProperties {
        if (sweepInterval != null && (sweepInterval.isNegative() || sweepInterval.isZero())) {
            throw new IllegalArgumentException("renderbank.retention.sweep-interval must be positive");
        }
        if (emailTokens != null && emailTokens.isNegative()) {
            throw new IllegalArgumentException("renderbank.retention.email-tokens must not be negative");
        }
        if (deletedAccountDebts != null && deletedAccountDebts.isNegative()) {
            throw new IllegalArgumentException("renderbank.retention.deleted-account-debts must not be negative");
        }
        if (apiTokens != null && apiTokens.compareTo(TokenStore.CREATION_WINDOW) < 0) {
            throw new IllegalArgumentException("renderbank.retention.api-tokens must be at least "
                    + TokenStore.CREATION_WINDOW.toHours()
                    + "h (renderbank.tokens.max-created-per-day counts the tokens of the last 24 hours)");
        }
    }
}
