package dev.renderbank.identity.internal;

import dev.renderbank.identity.DemoAccounts;
import dev.renderbank.platform.AlertKind;
import dev.renderbank.platform.OperatorAlerts;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Under {@code prod}, demo accounts found in the database (a development data directory or
 * database reused) are disabled and their API tokens revoked, loudly: an error in the log and an
 * operator alert. Their passwords and tokens were printed to a console and kept in a file, and the
 * demo admin is an admin. Runs once all beans exist and before the web server accepts requests;
 * idempotent, so every start checks again.
 */
@Component
@Profile("prod")
class DemoAccountsOffInProd implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(DemoAccountsOffInProd.class);

    private final UserStore store;
    private final TransactionTemplate tx;
    private final OperatorAlerts alerts;

    DemoAccountsOffInProd(UserStore store, TransactionTemplate tx, OperatorAlerts alerts) {
        this.store = store;
        this.tx = tx;
        this.alerts = alerts;
    }

    @Override
    public void afterSingletonsInstantiated() {
        List<String> demo = List.of(DemoAccounts.DEMO_EMAIL, DemoAccounts.ADMIN_EMAIL);
        int[] changed = tx.execute(status -> new int[] {store.revokeTokensOf(demo), store.disable(demo)});
        if (changed[0] + changed[1] > 0) {
            String message = "Demo accounts were found in the production database and have been disabled (" + changed[1]
                    + " account(s), " + changed[0] + " API token(s) revoked): " + String.join(", ", demo);
            log.error(message);
            alerts.raise(AlertKind.DEMO_ACCOUNTS_DISABLED, message);
        }
    }
}
