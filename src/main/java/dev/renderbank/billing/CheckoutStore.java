package dev.renderbank.billing;

import static dev.renderbank.billing.PaymentEventStore.instant;
import static dev.renderbank.billing.PaymentEventStore.ts;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class CheckoutStore {

    record Checkout(
            String id, long userId, String product, String provider, String url, String status, Instant createdAt) {}

    private final JdbcClient jdbc;

    CheckoutStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** False when the user's idempotency key is already taken by a checkout. */
    boolean insertPending(String id, long userId, String product, String provider, String idemKey, Instant now) {
        return jdbc.sql("""
                                insert into billing_checkout (id, user_id, product, provider, idempotency_key, status,
                                                              created_at)
                                values (:id, :user, :product, :provider, :key, 'PENDING', :now)
                                on conflict do nothing""")
                        .param("id", id)
                        .param("user", userId)
                        .param("product", product)
                        .param("provider", provider)
                        .param("key", idemKey)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    Optional<Checkout> byIdempotencyKey(long userId, String key) {
        return jdbc.sql("select * from billing_checkout where user_id = :user and idempotency_key = :key")
                .param("user", userId)
                .param("key", key)
                .query(CheckoutStore::map)
                .optional();
    }

    /** Frees an idempotency key older than {@code cutoff} (keys are kept 24 h). */
    void expireKey(long userId, String key, Instant cutoff) {
        jdbc.sql("""
                        update billing_checkout set idempotency_key = null
                         where user_id = :user and idempotency_key = :key and created_at < :cutoff""")
                .param("user", userId)
                .param("key", key)
                .param("cutoff", ts(cutoff))
                .update();
    }

    void open(String id, String url, String providerRef) {
        jdbc.sql(
                        "update billing_checkout set url = :url, provider_ref = :ref, status = 'OPEN' where id = :id and status = 'PENDING'")
                .param("url", url)
                .param("ref", providerRef)
                .param("id", id)
                .update();
    }

    /** A refused checkout is not stored: a retry with the same key is evaluated afresh. */
    void delete(String id) {
        jdbc.sql("delete from billing_checkout where id = :id and status = 'PENDING'")
                .param("id", id)
                .update();
    }

    void complete(String id) {
        jdbc.sql("update billing_checkout set status = 'COMPLETED' where id = :id")
                .param("id", id)
                .update();
    }

    /**
     * Takes one of the user's {@code max} checkouts in the current window of {@code window}: one
     * conditional upsert, so concurrent requests on any node cannot both take the last one. Empty
     * when taken; otherwise how long until the window that is full ends.
     */
    Optional<Duration> takeCheckoutSlot(long userId, int max, Duration window, Instant now) {
        Instant cutoff = now.minus(window);
        boolean taken = jdbc.sql("""
                        insert into billing_checkout_rate (user_id, window_start, calls) values (:user, :now, 1)
                        on conflict (user_id) do update
                           set window_start = case when billing_checkout_rate.window_start <= :cutoff then :now
                                                   else billing_checkout_rate.window_start end,
                               calls = case when billing_checkout_rate.window_start <= :cutoff then 1
                                            else billing_checkout_rate.calls + 1 end
                         where billing_checkout_rate.window_start <= :cutoff or billing_checkout_rate.calls < :max
                        returning user_id""")
                .param("user", userId)
                .param("now", ts(now))
                .param("cutoff", ts(cutoff))
                .param("max", max)
                .query(Long.class)
                .optional()
                .isPresent();
        if (taken) {
            return Optional.empty();
        }
        Instant started = jdbc.sql("select window_start from billing_checkout_rate where user_id = :user")
                .param("user", userId)
                .query((rs, n) -> instant(rs, "window_start"))
                .single();
        Duration wait = Duration.between(now, started.plus(window));
        return Optional.of(wait.isNegative() || wait.isZero() ? Duration.ofSeconds(1) : wait);
    }

    Optional<Checkout> find(String id) {
        return jdbc.sql("select * from billing_checkout where id = :id")
                .param("id", id)
                .query(CheckoutStore::map)
                .optional();
    }

    private static Checkout map(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Checkout(
                rs.getString("id"),
                rs.getLong("user_id"),
                rs.getString("product"),
                rs.getString("provider"),
                rs.getString("url"),
                rs.getString("status"),
                instant(rs, "created_at"));
    }
}
