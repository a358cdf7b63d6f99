package dev.renderbank.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Whatever an SMTP server answers, each attempt's outcome is recorded: an email the server keeps
 * refusing is {@code FAILED} after the configured attempts, with the server's words kept (as text
 * PostgreSQL can store), and operators are alerted. Here the server refuses the recipient with a NUL
 * byte in its reply, which a text column cannot hold.
 */
class MailOddSmtpAnswerTest extends IntegrationTest {

    static final ServerSocket server = RawSmtp.open();

    /** Accepts everything but the recipient, refused with a NUL in the reply. */
    static final Thread smtp = RawSmtp.serve(server, "odd.test", (cmd, in, out, s) -> {
        if (cmd.startsWith("RCPT")) {
            RawSmtp.reply(out, "550 5.1.1 <\u0000> mailbox unavailable");
        } else if (cmd.startsWith("QUIT")) {
            RawSmtp.reply(out, "221 bye");
            return false;
        } else if (cmd.startsWith("DATA")) {
            RawSmtp.reply(out, "554 no valid recipients");
        } else {
            RawSmtp.reply(out, "250 ok");
        }
        return true;
    });

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        RawSmtp.register(r, server, 2, "1s");
    }

    @AfterAll
    static void down() throws IOException {
        server.close();
    }

    @Autowired
    TestUsers users;

    @Autowired
    Notifier notifier;

    @Autowired
    OperatorAlerts alerts;

    @Autowired
    JdbcClient jdbc;

    @Test
    void anEmailRefusedWithANulByteInTheReplyIsFailedAfterItsAttemptsAndOperatorsAreAlerted() {
        TestUsers.TestUser u = users.create(0);
        assertThat(notifier.compensation(u.id(), "grant:odd-smtp-" + u.id(), 10, "sorry"))
                .isEqualTo(Queued.QUEUED);

        await().atMost(Duration.ofSeconds(30))
                .until(() -> "FAILED"
                        .equals(jdbc.sql("select status from mail_outbox where user_id = :u")
                                .param("u", u.id())
                                .query(String.class)
                                .single()));
        var row = jdbc.sql("select attempts, last_error from mail_outbox where user_id = :u")
                .param("u", u.id())
                .query((rs, n) -> new Object[] {rs.getInt(1), rs.getString(2)})
                .single();
        assertThat(row[0]).isEqualTo(2);
        assertThat((String) row[1]).contains("mailbox unavailable").doesNotContain("\u0000");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> alerts.recent(50).stream()
                        .anyMatch(a ->
                                a.kind().equals("mail.failed") && a.message().contains("mailbox unavailable")));
    }
}
