package dev.renderbank.identity.internal;

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
 * Gives the accounts whose address is outside ASCII their canonical key ({@link EmailKeys}) at each
 * start: the migration that added {@code app_user.email_key} could only fold ASCII in SQL, and a node
 * of the previous release may have inserted rows since. Each row is one statement of its own (safe
 * on several nodes at once). Two existing accounts whose addresses turn out to be spellings of one
 * address cannot share a key: the later one keeps the key it has, and operators are told; sign-in,
 * reset and lookups of that address then reach the other account (the same mailbox).
 */
@Component
class EmailKeyRepair {

    private static final Logger log = LoggerFactory.getLogger(EmailKeyRepair.class);

    private record Row(long id, String email, String key) {}

    private final JdbcClient jdbc;
    private final OperatorAlerts alerts;

    EmailKeyRepair(JdbcClient jdbc, OperatorAlerts alerts) {
        this.jdbc = jdbc;
        this.alerts = alerts;
    }

    @EventListener(ApplicationReadyEvent.class)
    void atStart() {
        int changed = repair();
        if (changed > 0) {
            log.info("{} account address key(s) set to their canonical form", changed);
        }
    }

    /** Re-keys the non-ASCII addresses whose key is not canonical; returns how many changed. */
    int repair() {
        List<Row> rows = jdbc.sql("""
                        select id, email, email_key from app_user
                         where octet_length(email) <> char_length(email) order by id""")
                .query((rs, n) -> new Row(rs.getLong("id"), rs.getString("email"), rs.getString("email_key")))
                .list();
        int changed = 0;
        for (Row row : rows) {
            String key = EmailKeys.of(row.email());
            if (key.equals(row.key())) {
                continue;
            }
            try {
                changed += jdbc.sql("update app_user set email_key = :key where id = :id and email = :email")
                        .param("key", key)
                        .param("id", row.id())
                        .param("email", row.email())
                        .update();
            } catch (DuplicateKeyException sameAddress) {
                long other = jdbc.sql("select id from app_user where email_key = :key")
                        .param("key", key)
                        .query(Long.class)
                        .optional()
                        .orElse(-1L);
                String message = "Accounts " + other + " and " + row.id()
                        + " have two spellings of one email address: sign-in, reset and lookups of it reach account "
                        + other + " only; account " + row.id() + " is no longer found by its address";
                log.warn(message);
                alerts.raise("accounts.same-address", message);
            }
        }
        return changed;
    }
}
