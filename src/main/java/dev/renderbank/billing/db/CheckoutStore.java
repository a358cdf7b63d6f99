package dev.renderbank.billing.db;

import static dev.renderbank.platform.SqlTime.instant;
import static dev.renderbank.platform.SqlTime.ts;

import dev.renderbank.billing.Product;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of {@code billing_checkout}: checkouts started, with the user's Idempotency-Key (kept 24 h). */
@Repository
public class CheckoutStore {

    /**
     * A checkout; {@code offer} is what it offered when it was opened (null for one opened before
     * offers were recorded).
     */
    public record Checkout(
            String id,
            long userId,
            String product,
            String provider,
            String url,
            String status,
            Instant createdAt,
            Offer offer) {

        /**
         * {@code current} (the catalogue's product now) as this checkout offered it: with the credits,
         * price and currency of the moment it was opened, when it was opened for that product and
         * recorded them; else {@code current} as it is. The buyer paid for what the checkout offered:
         * the catalogue may have changed since (a Stripe Checkout Session stays payable for a day).
         */
        public Product offered(Product current) {
            if (offer == null || !current.id().equals(product)) {
                return current;
            }
            return current.asOffered(offer.credits(), offer.priceMinor(), offer.currency());
        }

        /**
         * {@link #offered} for a payment charged at the product's current provider price ({@code
         * atCurrentPrice}; a Stripe price id, which cannot change): if the checkout sold it at another
         * price, the subscription was moved to the product as it is now, pays its price and gets its
         * credits. A payment at an earlier price, or at the price it was sold at, gets the offer.
         */
        public Product offered(Product current, boolean atCurrentPrice) {
            if (atCurrentPrice && offer != null && offer.priceMinor() != current.priceMinor()) {
                return current;
            }
            return offered(current);
        }
    }

    /**
     * A product's credits (a plan's: per month), price and currency when its checkout was opened, and
     * the Creem product it was sold under then ({@code creemProduct}; null for a checkout opened before
     * that was recorded, or a product with none).
     */
    public record Offer(long credits, long priceMinor, String currency, String creemProduct) {}

    private final JdbcClient jdbc;

    CheckoutStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A checkout of {@code product} as the catalogue has it now, which is what it offers (its credits,
     * price, currency and Creem product are recorded with it). False when the user's idempotency key is already taken
     * by a checkout.
     */
    public boolean insertPending(
            String id, long userId, Product product, String provider, String idemKey, Instant now) {
        return jdbc.sql("""
                                insert into billing_checkout (id, user_id, product, provider, idempotency_key, status,
                                                              created_at, offered_credits, offered_price_minor,
                                                              offered_currency, offered_creem_product)
                                values (:id, :user, :product, :provider, :key, 'PENDING', :now, :credits, :price,
                                        :currency, :creemProduct)
                                on conflict do nothing""")
                        .param("id", id)
                        .param("user", userId)
                        .param("product", product.id())
                        .param("credits", product.credits())
                        .param("price", product.priceMinor())
                        .param("currency", product.currency())
                        .param("creemProduct", product.creemProductId())
                        .param("provider", provider)
                        .param("key", idemKey)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    /**
     * Serialises the user's plan checkouts until the caller's transaction ends (a per-user advisory
     * lock): one checks for a plan or an open plan checkout and inserts its own before the next looks.
     */
    public void lockPlanCheckouts(long userId) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended('billing-plan-checkout:' || :user, 0))")
                .param("user", userId)
                .query((rs, n) -> 1)
                .list();
    }

    /**
     * The user's newest checkout of one of {@code plans} not completed: opened (a payment page handed
     * out) since {@code openSince}, or still being opened (PENDING) since {@code pendingSince}. An
     * older one is taken as left: its page expired, or its request died.
     */
    public Optional<Checkout> openForPlan(
            long userId, java.util.Collection<String> plans, Instant openSince, Instant pendingSince) {
        if (plans.isEmpty()) {
            return Optional.empty();
        }
        return jdbc.sql("""
                        select * from billing_checkout
                         where user_id = :user and product = any(:plans)
                           and ((status = 'OPEN' and created_at > :openSince)
                                or (status = 'PENDING' and created_at > :pendingSince))
                         order by created_at desc limit 1""")
                .param("user", userId)
                .param("plans", plans.toArray(String[]::new))
                .param("openSince", ts(openSince))
                .param("pendingSince", ts(pendingSince))
                .query(CheckoutStore::map)
                .optional();
    }

    public Optional<Checkout> byIdempotencyKey(long userId, String key) {
        return jdbc.sql("select * from billing_checkout where user_id = :user and idempotency_key = :key")
                .param("user", userId)
                .param("key", key)
                .query(CheckoutStore::map)
                .optional();
    }

    /** Frees an idempotency key older than {@code cutoff} (keys are kept 24 h). */
    public void expireKey(long userId, String key, Instant cutoff) {
        jdbc.sql("""
                        update billing_checkout set idempotency_key = null
                         where user_id = :user and idempotency_key = :key and created_at < :cutoff""")
                .param("user", userId)
                .param("key", key)
                .param("cutoff", ts(cutoff))
                .update();
    }

    /**
     * Frees the user's key from a checkout left PENDING without a URL since before {@code cutoff}
     * (its request died); true when this call deleted it, false when there is none or it moved on.
     */
    public boolean deleteAbandoned(long userId, String key, Instant cutoff) {
        return jdbc.sql("""
                                delete from billing_checkout
                                 where user_id = :user and idempotency_key = :key and status = 'PENDING'
                                   and url is null and created_at < :cutoff""")
                        .param("user", userId)
                        .param("key", key)
                        .param("cutoff", ts(cutoff))
                        .update()
                == 1;
    }

    /**
     * Records the provider's session of a PENDING checkout; false when the row is no longer this
     * request's (a retry took its key for abandoned meanwhile): its session must not be handed out.
     */
    public boolean open(String id, String url, String providerRef) {
        return jdbc.sql(
                                "update billing_checkout set url = :url, provider_ref = :ref, status = 'OPEN' where id = :id and status = 'PENDING'")
                        .param("url", url)
                        .param("ref", providerRef)
                        .param("id", id)
                        .update()
                == 1;
    }

    /** A refused or failed checkout is not stored: a retry with the same key is evaluated afresh. */
    public void delete(String id) {
        jdbc.sql("delete from billing_checkout where id = :id and status = 'PENDING'")
                .param("id", id)
                .update();
    }

    public void complete(String id) {
        jdbc.sql("update billing_checkout set status = 'COMPLETED' where id = :id")
                .param("id", id)
                .update();
    }

    /**
     * The checkout renderbank opened at {@code provider} whose session there is {@code providerRef};
     * empty for a session renderbank never created (another application on a shared account).
     */
    public Optional<Checkout> byProviderRef(String provider, String providerRef) {
        return jdbc
                .sql("select * from billing_checkout where provider = :provider and provider_ref = :ref")
                .param("provider", provider)
                .param("ref", providerRef)
                .query(CheckoutStore::map)
                .list()
                .stream()
                .findFirst();
    }

    /** Of {@code providerRefs}, the sessions renderbank opened at {@code provider}. */
    public java.util.Set<String> opened(String provider, java.util.Collection<String> providerRefs) {
        if (providerRefs.isEmpty()) {
            return java.util.Set.of();
        }
        return new java.util.HashSet<>(jdbc.sql("""
                        select provider_ref from billing_checkout
                         where provider = :provider and provider_ref = any(:refs)""")
                .param("provider", provider)
                .param("refs", providerRefs.toArray(String[]::new))
                .query(String.class)
                .list());
    }

    public Optional<Checkout> find(String id) {
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
                instant(rs, "created_at"),
                rs.getObject("offered_credits") == null
                        ? null
                        : new Offer(
                                rs.getLong("offered_credits"),
                                rs.getLong("offered_price_minor"),
                                rs.getString("offered_currency"),
                                rs.getString("offered_creem_product")));
    }
}
