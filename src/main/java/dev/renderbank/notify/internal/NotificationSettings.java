package dev.renderbank.notify.internal;

import static dev.renderbank.platform.SqlTime.ts;

import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** {@code notification_setting}: per-user choices; no row means generation emails on. */
@Repository
public class NotificationSettings {

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
}
