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

    static final ServerSocket server = open();
    static final AtomicInteger accepted = new AtomicInteger();
    static final Thread smtp = serve();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        r.add("spring.mail.host", () -> "127.0.0.1");
        r.add("spring.mail.port", server::getLocalPort);
        r.add("spring.mail.properties.mail.smtp.connectiontimeout", () -> "2000");
        r.add("spring.mail.properties.mail.smtp.timeout", () -> "2000");
        r.add("renderbank.mail.send-interval", () -> "200ms");
        r.add("renderbank.mail.max-attempts", () -> "3");
        r.add("renderbank.mail.first-retry", () -> "200ms");
        r.add("renderbank.mail.lease", () -> "5s");
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

    private static ServerSocket open() {
        try {
            return new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A minimal SMTP server that takes every email (250 after its data) and drops the connection at QUIT. */
    private static Thread serve() {
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.setSoTimeout(5000);
                    var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                    OutputStream out = s.getOutputStream();
                    reply(out, "220 quit-dropper.test ESMTP");
                    for (String line; (line = in.readLine()) != null; ) {
                        String cmd = line.toUpperCase(Locale.ROOT);
                        if (cmd.startsWith("DATA")) {
                            reply(out, "354 go ahead");
                            for (String body; (body = in.readLine()) != null && !body.equals("."); ) {
                                // the message
                            }
                            accepted.incrementAndGet();
                            reply(out, "250 2.0.0 queued");
                        } else if (cmd.startsWith("QUIT")) {
                            s.setSoLinger(true, 0); // a reset, not an answer
                            break;
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
