package dev.renderbank.identity.internal;

import dev.renderbank.platform.AlertKind;
import dev.renderbank.platform.OperatorAlerts;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Gives the accounts whose key was not computed by this release's canonical form ({@link EmailKeys},
 * {@code app_user.email_key_version} below {@link EmailKeys#VERSION}) their canonical key at each
 * start: the migration that added {@code app_user.email_key} could only fold ASCII in SQL, and a node
 * of a previous release may have inserted rows since. Only those rows are read (by the version's
 * index), so a start reads nothing once they are repaired, however many accounts there are. Each row
 * is one statement of its own, conditional on the address and version it was read with (safe on
 * several nodes at once).
 *
 * <p>Two existing accounts whose addresses turn out to be spellings of one address cannot share a
 * key: the later one keeps the key it has and stays marked, so each start tries it again (it gets the
 * key once the other account no longer holds it, e.g. deleted), and operators are told once per pair
 * ({@code accounts.same-address}, keyed by both ids); sign-in, reset and lookups of that address reach
 * the other account (the same mailbox) meanwhile.
 */
@Component
class EmailKeyRepair {

    private static final Logger log = LoggerFactory.getLogger(EmailKeyRepair.class);

    static final AlertKind SAME_ADDRESS = AlertKind.ACCOUNTS_SAME_ADDRESS;

    private record Row(long id, String email, String key, int version, boolean deleted) {}

    /** The rows a run read ({@code examined}, by id) and how many of them it re-keyed. */
    record Outcome(List<Long> examined, int changed) {}

    private final JdbcClient jdbc;
    private final OperatorAlerts alerts;

    EmailKeyRepair(JdbcClient jdbc, OperatorAlerts alerts) {
        this.jdbc = jdbc;
        this.alerts = alerts;
    }

    @EventListener(ApplicationReadyEvent.class)
    void atStart() {
        Outcome outcome = repair();
        if (outcome.changed() > 0) {
            log.info("{} account address key(s) set to their canonical form", outcome.changed());
        }
    }

    /** Re-keys the accounts whose key an older form (or SQL) computed; marks them canonical. */
    Outcome repair() {
        List<Row> rows = jdbc.sql("""
                        select id, email, email_key, email_key_version, deleted_at is not null as deleted from app_user
                         where email_key_version < :version order by id""")
                .param("version", EmailKeys.VERSION)
                .query((rs, n) -> new Row(
                        rs.getLong("id"),
                        rs.getString("email"),
                        rs.getString("email_key"),
                        rs.getInt("email_key_version"),
                        rs.getBoolean("deleted")))
                .list();
        int changed = 0;
        int waiting = 0;
        for (Row row : rows) {
            // a deleted account's key is no address's (DeletionStore.anonymise): its placeholder
            // address's canonical form could meet an account that signed up with that very address
            String key = row.deleted() ? DeletionStore.deletedKey(row.id()) : EmailKeys.of(row.email());
            try {
                int updated = jdbc.sql("""
                                update app_user set email_key = :key, email_key_version = :version
                                 where id = :id and email = :email and email_key_version = :was""")
                        .param("key", key)
                        .param("version", EmailKeys.VERSION)
                        .param("id", row.id())
                        .param("email", row.email())
                        .param("was", row.version())
                        .update();
                if (updated == 1 && !key.equals(row.key())) {
                    changed++;
                }
            } catch (DuplicateKeyException sameAddress) {
                waiting++;
                tell(row, key);
            }
        }
        if (waiting > 0) {
            log.info("{} account(s) still share an address with another account (alert {})", waiting, SAME_ADDRESS);
        }
        return new Outcome(rows.stream().map(Row::id).toList(), changed);
    }

    /**
     * Raises the alert naming both accounts; none when the other one is gone by now (its email key
     * freed, say by its deletion): the next run stores this account's key.
     */
    private void tell(Row row, String key) {
        jdbc.sql("select id from app_user where email_key = :key")
                .param("key", key)
                .query(Long.class)
                .optional()
                .ifPresent(other -> alerts.raiseOnce(
                        SAME_ADDRESS,
                        SAME_ADDRESS.code() + ":" + other + ":" + row.id(),
                        "Accounts " + other + " and " + row.id()
                                + " have two spellings of one email address: sign-in, reset and lookups of it reach"
                                + " account " + other + " only; account " + row.id()
                                + " is no longer found by its address (what to do: README, Operating renderbank,"
                                + " \"Two accounts of one address\")"));
    }
}
