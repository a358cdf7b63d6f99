package dev.renderbank.notify.internal;

import static dev.renderbank.platform.SqlTime.ts;

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

    public void setGenerationEmails(long userId, boolean on, Instant now) {
        int n = jdbc.sql("""
                        insert into notification_setting (user_id, generation_emails, updated_at)
                        values (:u, :on, :now)
                        on conflict (user_id) do update set generation_emails = excluded.generation_emails,
                                                            updated_at = excluded.updated_at""")
                .param("u", userId)
                .param("on", on)
                .param("now", ts(now))
                .update();
        if (n != 1) {
            throw new IllegalStateException("notification setting of user " + userId + " not written");
        }
    }

    public long creditsLowThreshold(long userId) {
        return jdbc.sql("select credits_low_threshold from notification_setting where user_id = :u")
                .param("u", userId)
                .query(Long.class)
                .optional()
                .orElse(DEFAULT_CREDITS_LOW_THRESHOLD);
    }

    public void setCreditsLowThreshold(long userId, long threshold, Instant now) {
        int n = jdbc.sql("""
                        insert into notification_setting (user_id, credits_low_threshold, updated_at)
                        values (:u, :t, :now)
                        on conflict (user_id) do update set credits_low_threshold = excluded.credits_low_threshold,
                                                            updated_at = excluded.updated_at""")
                .param("u", userId)
                .param("t", threshold)
                .param("now", ts(now))
                .update();
        if (n != 1) {
            throw new IllegalStateException("notification setting of user " + userId + " not written");
        }
    }
}
