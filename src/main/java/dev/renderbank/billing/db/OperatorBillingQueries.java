package dev.renderbank.billing.db;

import dev.renderbank.billing.PurchaseSummary;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Operators' reads over purchases and payment events. */
@Repository
public class OperatorBillingQueries {

    private final JdbcClient jdbc;

    OperatorBillingQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public List<PurchaseSummary> purchases(long userId, int limit) {
        return jdbc.sql("""
                        select id, provider, product, credits, amount_minor, currency, granted, clawed,
                               refunded_minor, disputed, created_at
                          from billing_purchase where user_id = :user order by id desc limit :limit""")
                .param("user", userId)
                .param("limit", limit)
                .query((rs, n) -> new PurchaseSummary(
                        rs.getLong("id"),
                        rs.getString("provider"),
                        rs.getString("product"),
                        rs.getLong("credits"),
                        rs.getLong("amount_minor"),
                        rs.getString("currency"),
                        rs.getLong("granted"),
                        rs.getLong("clawed"),
                        rs.getLong("refunded_minor"),
                        rs.getBoolean("disputed"),
                        rs.getObject("created_at", OffsetDateTime.class).toInstant()))
                .list();
    }

    public Map<String, Long> eventsByStatus() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String s : List.of("RECEIVED", "PROCESSED", "IGNORED", "FAILED")) {
            counts.put(s, 0L);
        }
        jdbc.sql("select status, count(*) as n from payment_event group by status")
                .query((rs, n) -> counts.put(rs.getString("status"), rs.getLong("n")))
                .list();
        return counts;
    }
}
