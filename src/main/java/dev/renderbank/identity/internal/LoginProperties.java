package dev.renderbank.identity.internal;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code renderbank.login.*}: how failed sign-ins are slowed down.
 *
 * @param clientMaxFailures failed sign-ins from one client address within {@code clientWindow} that
 *     lock the address
 * @param clientWindow the window those failures are counted in
 * @param clientLock how long a locked address is refused
 * @param accountFreeFailures failures of one account (email) before it has to wait
 * @param accountFirstWait the first wait; doubles with each further failure
 * @param accountMaxWait the longest wait after one failure (a browser that signed in to the account
 *     before is not held by it)
 * @param accountForgetAfter failures older than this no longer count
 */
@Validated
@ConfigurationProperties("renderbank.login")
public record LoginProperties(
        @DefaultValue("20") @Min(1) int clientMaxFailures,
        @DefaultValue("15m") @NotNull Duration clientWindow,
        @DefaultValue("15m") @NotNull Duration clientLock,
        @DefaultValue("5") @Min(1) int accountFreeFailures,
        @DefaultValue("1s") @NotNull Duration accountFirstWait,
        @DefaultValue("15m") @NotNull Duration accountMaxWait,
        @DefaultValue("24h") @NotNull Duration accountForgetAfter) {

    /**
     * Checked for meaning at start: a zero window counts nothing and a zero lock locks nobody; a
     * negative first wait makes every wait none, a cap below it is every wait.
     */
    public LoginProperties {
        positive(clientWindow, "client-window");
        positive(clientLock, "client-lock");
        positive(accountFirstWait, "account-first-wait");
        positive(accountMaxWait, "account-max-wait");
        positive(accountForgetAfter, "account-forget-after");
        if (accountFirstWait != null && accountMaxWait != null && accountMaxWait.compareTo(accountFirstWait) < 0) {
            throw new IllegalArgumentException("renderbank.login.account-max-wait (" + accountMaxWait
                    + ") must be at least renderbank.login.account-first-wait (" + accountFirstWait + ")");
        }
    }

    private static void positive(Duration d, String key) {
        if (d != null && (d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException("renderbank.login." + key + " must be positive (was " + d + ")");
        }
    }

    /** The wait after the {@code failures}-th failure of an account: none, then doubling, capped. */
    public Duration accountWait(int failures) {
        if (failures < accountFreeFailures) {
            return Duration.ZERO;
        }
        int doublings = Math.min(failures - accountFreeFailures, 30);
        Duration d = accountFirstWait.multipliedBy(1L << doublings);
        return d.compareTo(accountMaxWait) > 0 ? accountMaxWait : d;
    }
}
