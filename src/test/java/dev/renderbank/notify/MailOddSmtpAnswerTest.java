package dev.renderbank.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
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

    static final ServerSocket server = open();
    static final Thread smtp = serve();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        r.add("spring.mail.host", () -> "127.0.0.1");
        r.add("spring.mail.port", server::getLocalPort);
        r.add("spring.mail.properties.mail.smtp.connectiontimeout", () -> "2000");
        r.add("spring.mail.properties.mail.smtp.timeout", () -> "2000");
        r.add("renderbank.mail.send-interval", () -> "200ms");
        r.add("renderbank.mail.max-attempts", () -> "2");
        r.add("renderbank.mail.first-retry", () -> "200ms");
        r.add("renderbank.mail.lease", () -> "1s");
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

    private static ServerSocket open() {
        try {
            return new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A minimal SMTP server that accepts everything but the recipient, refused with a NUL in the reply. */
    private static Thread serve() {
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.setSoTimeout(5000);
                    var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                    OutputStream out = s.getOutputStream();
                    reply(out, "220 odd.test ESMTP");
                    for (String line; (line = in.readLine()) != null; ) {
                        String cmd = line.toUpperCase(Locale.ROOT);
                        if (cmd.startsWith("RCPT")) {
                            reply(out, "550 5.1.1 <\u0000> mailbox unavailable");
                        } else if (cmd.startsWith("QUIT")) {
                            reply(out, "221 bye");
                            break;
                        } else if (cmd.startsWith("DATA")) {
                            reply(out, "554 no valid recipients");
                        } else {
                            reply(out, "250 ok");
                        }
                    }
                } catch (IOException e) {
                    // the next connection
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }
}
