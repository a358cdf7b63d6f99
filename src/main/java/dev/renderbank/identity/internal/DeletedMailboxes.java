package dev.renderbank.identity.internal;

import dev.renderbank.identity.NewAccountOfMailbox;
import dev.renderbank.platform.SqlTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Which mailbox each deleted account had ({@code deleted_account_mailbox}), as a keyed digest only
 * ({@link AddressHasher#debtKey}), so a new account of that mailbox starts owing what the deleted
 * account owed ({@link NewAccountOfMailbox}). A deletion and the creation of an account of the same
 * mailbox take one transaction lock named after the mailbox's key, so one of them sees the other's
 * commit: two sign-ups at once, or a sign-up and a deletion at once, carry a debt once. Runs inside
 * the caller's transaction.
 */
@Repository
public class DeletedMailboxes {

    private final JdbcClient jdbc;
    private final AddressHasher addresses;
    private final ObjectProvider<NewAccountOfMailbox> hooks;

    DeletedMailboxes(JdbcClient jdbc, AddressHasher addresses, ObjectProvider<NewAccountOfMailbox> hooks) {
        this.jdbc = jdbc;
        this.addresses = addresses;
        this.hooks = hooks;
    }

    /** Remembers the mailbox of {@code email}, the account's address before it is erased. */
    public void remember(long userId, String email, Instant now) {
        String key = addresses.debtKey(email);
        lock(key);
        jdbc.sql("""
                        insert into deleted_account_mailbox (user_id, mailbox_key, deleted_at)
                        values (:user, :key, :now) on conflict (user_id) do nothing""")
                .param("user", userId)
                .param("key", key)
                .param("now", SqlTime.ts(now))
                .update();
    }

    /** Tells {@link NewAccountOfMailbox} that the new account {@code userId} of {@code email} was created. */
    public void opened(long userId, String email) {
        String key = addresses.debtKey(email);
        lock(key);
        List<Long> deleted = jdbc.sql("""
                        update deleted_account_mailbox set succeeded_by = :user
                         where mailbox_key = :key and user_id <> :user
                        returning user_id""").param("key", key).param("user", userId).query(Long.class).list().stream()
                .sorted()
                .toList();
        if (!deleted.isEmpty()) {
            hooks.orderedStream().forEach(hook -> hook.opened(userId, deleted));
        }
    }

    /**
     * The account a debt the deleted account {@code userId} gets now is carried to: the latest account
     * of its mailbox created after the deletion (one deleted since: its own successor, and so on), if
     * it is still remembered and live. Reads what is committed and takes no lock: a creation of an
     * account of the mailbox under way carries the debt itself, once it can lock the deleted account's
     * credits (the caller holds that lock).
     */
    public Optional<Long> liveSuccessor(long userId) {
        Optional<Long> next = successor(userId);
        for (int hops = 0; next.isPresent() && hops < 100; hops++) {
            Optional<Long> after = successor(next.get());
            if (after.isEmpty()) {
                return isDeleted(next.get()) ? Optional.empty() : next;
            }
            next = after;
        }
        return Optional.empty();
    }

    private Optional<Long> successor(long userId) {
        return jdbc.sql("select succeeded_by from deleted_account_mailbox where user_id = :user")
                .param("user", userId)
                .query((rs, n) -> rs.getObject(1, Long.class))
                .optional()
                .flatMap(Optional::ofNullable);
    }

    private boolean isDeleted(long userId) {
        return jdbc.sql("select deleted_at is not null from app_user where id = :id")
                .param("id", userId)
                .query(Boolean.class)
                .optional()
                .orElse(true);
    }

    /** Forgets the mailboxes of accounts deleted at or before {@code cutoff}. */
    public int forgetDeletedBefore(Instant cutoff) {
        return jdbc.sql("delete from deleted_account_mailbox where deleted_at <= :cutoff")
                .param("cutoff", SqlTime.ts(cutoff))
                .update();
    }

    private void lock(String key) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended(:name, 0))")
                .param("name", "identity-mailbox-debt:" + key)
                .query((rs, n) -> 1)
                .single();
    }
}
