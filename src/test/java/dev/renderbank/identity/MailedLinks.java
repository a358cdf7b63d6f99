package dev.renderbank.identity;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The one-time links in the outbox (the shared test context has no SMTP server: mail is kept there). */
final class MailedLinks {

    private static final Pattern LINK = Pattern.compile("(/(?:verify-email|password/reset)\\?token=[A-Za-z0-9_%-]+)");

    private MailedLinks() {}

    static int count(JdbcClient jdbc, String template, String to) {
        return jdbc.sql("select count(*) from mail_outbox where template = :t and lower(recipient) = lower(:to)")
                .param("t", template)
                .param("to", to)
                .query(Integer.class)
                .single();
    }

    /** Waits for the {@code n}-th ({@code 1}-based) email of {@code template} to {@code to}; its link path. */
    static String await(JdbcClient jdbc, String template, String to, int n) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> count(jdbc, template, to) >= n);
        String body = jdbc.sql("""
                        select body_text from mail_outbox where template = :t and lower(recipient) = lower(:to)
                         order by id offset :skip limit 1""")
                .param("t", template)
                .param("to", to)
                .param("skip", n - 1)
                .query(String.class)
                .single();
        Matcher m = LINK.matcher(body);
        return Optional.of(m).filter(Matcher::find).map(x -> x.group(1)).orElseThrow(() -> new AssertionError(body));
    }
}
