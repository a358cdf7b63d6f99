package dev.renderbank.notify.internal;

import static dev.renderbank.platform.SqlTime.ts;

import dev.renderbank.notify.NotificationChoices;
import java.sql.Types;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * {@code notification_setting}: per-user choices; no row means the defaults (generation emails on, a
 * {@code credits.low} webhook below {@value #DEFAULT_CREDITS_LOW_THRESHOLD} available credits).
 */
@Repository
public class NotificationSettings {

    public static final long DEFAULT_CREDITS_LOW_THRESHOLD = 20;

    private final JdbcClient jdbc;

    NotificationSettings(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public boolean generationEmails(long userId) {
        return jdbc.sql("select generation_emails from notification_setting where user_id = :u")
                .param("u", userId)
                .query(Boolean.class)
                .optional()
                .orElse(true);
    }

    /** Both settings, read together (the defaults when the user never changed them). */
    public NotificationChoices read(long userId) {
        return jdbc.sql("""
                        select generation_emails, credits_low_threshold from notification_setting where user_id = :u""")
                .param("u", userId)
                .query((rs, i) -> new NotificationChoices(rs.getBoolean(1), rs.getLong(2)))
                .optional()
                .orElse(new NotificationChoices(true, DEFAULT_CREDITS_LOW_THRESHOLD));
    }

    /**
     * Sets the settings given (a null keeps that setting's value) in one statement, and returns the pair
     * this statement wrote: two changes at once each write their whole pair in turn on the row, never
     * one field each.
     */
    public NotificationChoices change(long userId, Boolean generationEmails, Long creditsLowThreshold, Instant now) {
        if (generationEmails == null && creditsLowThreshold == null) {
            throw new IllegalArgumentException("nothing to change");
        }
        return jdbc.sql("""
                        insert into notification_setting (user_id, generation_emails, credits_low_threshold, updated_at)
                        values (:u, coalesce(cast(:on as boolean), true), coalesce(cast(:t as bigint), :defaultThreshold), :now)
                        on conflict (user_id) do update
                           set generation_emails = coalesce(cast(:on as boolean), notification_setting.generation_emails),
                               credits_low_threshold = coalesce(cast(:t as bigint), notification_setting.credits_low_threshold),
                               updated_at = excluded.updated_at
                        returning generation_emails, credits_low_threshold""")
                .param("u", userId)
                .param("on", generationEmails, Types.BOOLEAN)
                .param("t", creditsLowThreshold, Types.BIGINT)
                .param("defaultThreshold", DEFAULT_CREDITS_LOW_THRESHOLD)
                .param("now", ts(now))
                .query((rs, i) -> new NotificationChoices(rs.getBoolean(1), rs.getLong(2)))
                .single();
    }

    public long creditsLowThreshold(long userId) {
        return jdbc.sql("select credits_low_threshold from notification_setting where user_id = :u")
                .param("u", userId)
                .query(Long.class)
                .optional()
                .orElse(DEFAULT_CREDITS_LOW_THRESHOLD);
    }
}
