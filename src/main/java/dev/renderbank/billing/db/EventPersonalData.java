package dev.renderbank.billing.db;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The stored payment webhooks of one account, found for the erasure of its personal data when it is
 * deleted: those that name the account ({@code "userId":"<id>"} in their metadata, or Stripe's {@code
 * client_reference_id}) or one of its purchases, subscriptions or checkouts by the provider's id. And
 * the other way round ({@link #owners}): the accounts an event arriving later names by those ids.
 */
@Repository
public class EventPersonalData {

    /** A stored event's payload as read, to be replaced only if it is still that. */
    public record Payload(long id, String payload) {}

    private final JdbcClient jdbc;

    EventPersonalData(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The quoted texts that mark an event as the account's: its id as metadata, its provider ids. */
    public Set<String> marks(long userId) {
        Set<String> marks = new LinkedHashSet<>();
        marks.add("\"userId\":\"" + userId + "\"");
        marks.add("\"userId\":" + userId + ",");
        marks.add("\"userId\":" + userId + "}");
        marks.add("\"client_reference_id\":\"" + userId + "\"");
        List<String> ids = new ArrayList<>();
        ids.addAll(jdbc.sql("""
                        select r.ref from billing_purchase_ref r join billing_purchase p on p.id = r.purchase_id
                         where p.user_id = :u""").param("u", userId).query(String.class).list());
        ids.addAll(jdbc.sql("select subscription_id from billing_subscription where user_id = :u")
                .param("u", userId)
                .query(String.class)
                .list());
        ids.addAll(jdbc.sql("""
                        select provider_ref from billing_checkout where user_id = :u and provider_ref is not null""").param("u", userId).query(String.class).list());
        for (String id : ids) {
            if (id != null && !id.isBlank()) {
                marks.add('"' + id + '"');
            }
        }
        return marks;
    }

    /** Every provider name purchases, subscriptions and checkouts are recorded under (their keys lead with it). */
    private static final String[] PROVIDERS = {"creem", "stripe", "simulated"};

    /**
     * The accounts whose purchases, subscriptions or checkouts the provider's {@code ids} name: the
     * same ids {@link #marks} finds an account's events by.
     */
    public Set<Long> owners(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        return new LinkedHashSet<>(jdbc.sql("""
                        select p.user_id from billing_purchase_ref r join billing_purchase p on p.id = r.purchase_id
                         where r.provider = any(cast(:providers as text[])) and r.ref = any(cast(:ids as text[]))
                        union
                        select user_id from billing_subscription
                         where provider = any(cast(:providers as text[])) and subscription_id = any(cast(:ids as text[]))
                        union
                        select user_id from billing_checkout
                         where provider = any(cast(:providers as text[])) and provider_ref = any(cast(:ids as text[]))""")
                .param("providers", PROVIDERS)
                .param("ids", ids.toArray(String[]::new))
                .query(Long.class)
                .list());
    }

    /** The stored events whose payload holds any of {@code marks}, oldest first. */
    public List<Payload> naming(Set<String> marks) {
        if (marks.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                        select id, payload from payment_event
                         where exists (select 1 from unnest(cast(:marks as text[])) m where strpos(payload, m) > 0)
                         order by id""")
                .param("marks", marks.toArray(String[]::new))
                .query((rs, n) -> new Payload(rs.getLong("id"), rs.getString("payload")))
                .list();
    }

    /** Replaces the payload of {@code before} with {@code after} unless it changed meanwhile. */
    public boolean replace(Payload before, String after) {
        return jdbc.sql("update payment_event set payload = :after where id = :id and payload = :before")
                        .param("after", after)
                        .param("id", before.id())
                        .param("before", before.payload())
                        .update()
                == 1;
    }
}
