package dev.renderbank.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Ledger tests share one application context and database, so each test takes user ids of its
 * own (from a random high start, far from real users) and keys that are unique per run.
 */
abstract class LedgerTestSupport extends IntegrationTest {

    private static final AtomicLong USERS =
            new AtomicLong(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 41));

    static final Duration TTL = Duration.ofMinutes(10);

    @Autowired
    Ledger ledger;

    @Autowired
    JdbcClient jdbc;

    @AfterEach
    void booksBalance() {
        InvariantReport report = ledger.checkInvariants();
        assertThat(report.violations()).isEmpty();
    }

    static long newUser() {
        return USERS.incrementAndGet();
    }

    static String key(String what) {
        return what + "-" + UUID.randomUUID();
    }

    /** A new user holding {@code credits} from one grant. */
    long fundedUser(long credits) {
        long user = newUser();
        ledger.grant(user, credits, GrantSource.PURCHASE, key("grant"), null, "test funds");
        return user;
    }

    /** A user with no credits left and {@code debt} owed: granted, spent, then the grant was disputed. */
    long userOwing(long debt) {
        long user = newUser();
        String grant = key("purchase");
        ledger.grant(user, debt, GrantSource.PURCHASE, grant, null, null);
        String job = key("job");
        ledger.reserve(user, debt, job, TTL);
        ledger.capture(job);
        ledger.clawback(grant, debt, key("dispute"), "chargeback");
        assertThat(ledger.balance(user)).isEqualTo(new Balance(0, 0, debt));
        return user;
    }

    /** Rows in every ledger table, to show that a refused call wrote nothing. */
    String tableCounts() {
        return jdbc.sql("""
                        select (select count(*) from credit_account) || '/' || (select count(*) from credit_hold)
                               || '/' || (select count(*) from credit_grant) || '/' || (select count(*) from credit_clawback)
                               || '/' || (select count(*) from debt_waiver) || '/' || (select count(*) from ledger_entry)
                               || '/' || (select coalesce(sum(balance), 0) || ':' || coalesce(sum(held), 0) || ':'
                                          || coalesce(sum(debt), 0) from credit_account)""").query(String.class).single();
    }

    long entries(String refKey, String kind) {
        return jdbc.sql("select count(*) from ledger_entry where ref_key = :key and kind = :kind")
                .param("key", refKey)
                .param("kind", kind)
                .query(Long.class)
                .single();
    }
}
