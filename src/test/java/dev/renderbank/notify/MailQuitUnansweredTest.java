package dev.renderbank.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An email the SMTP server accepted (250 after its data) is sent, whatever happens to the connection
 * afterwards: a server (or a middlebox) that drops the connection at QUIT instead of answering it
 * must not make the email count as failed, to be sent again on every retry.
 */
class MailQuitUnansweredTest extends IntegrationTest {

    static final ServerSocket server = RawSmtp.open();
    static final AtomicInteger accepted = new AtomicInteger();

    /** Takes every email (250 after its data) and drops the connection at QUIT instead of answering. */
    static final Thread smtp = RawSmtp.serve(server, "quit-dropper.test", (cmd, in, out, s) -> {
        if (cmd.startsWith("DATA")) {
            RawSmtp.reply(out, "354 go ahead");
            for (String body; (body = in.readLine()) != null && !body.equals("."); ) {
                // the message
            }
            accepted.incrementAndGet();
            RawSmtp.reply(out, "250 2.0.0 queued");
        } else if (cmd.startsWith("QUIT")) {
            s.setSoLinger(true, 0); // a reset, not an answer
            return false;
        } else {
            RawSmtp.reply(out, "250 ok");
        }
        return true;
    });

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        RawSmtp.register(r, server, 3, "5s");
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
    void anEmailTheServerAcceptedIsSentOnceThoughTheConnectionDropsAtQuit() {
        TestUsers.TestUser u = users.create(0);
        assertThat(notifier.compensation(u.id(), "grant:quit-dropped-" + u.id(), 10, "sorry"))
                .isEqualTo(Queued.QUEUED);

        await().atMost(Duration.ofSeconds(30)).until(() -> accepted.get() >= 1 && !"PENDING".equals(status(u)));
        assertThat(status(u)).isEqualTo("SENT");
        // the retries it would have had (200 ms apart, 3 attempts) are long past: still one copy
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> accepted.get() == 1);
        assertThat(alerts.recent(50)).noneMatch(a -> a.kind().equals("mail.failed"));
    }

    private String status(TestUsers.TestUser u) {
        return jdbc.sql("select status from mail_outbox where user_id = :u")
                .param("u", u.id())
                .query(String.class)
                .single();
    }
}
