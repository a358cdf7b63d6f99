package dev.renderbank.notify.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.MessagingException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * An address with letters outside ASCII goes only to an SMTP server that announces SMTPUTF8: sent
 * to one that does not, each character would keep only its low byte (ł becomes B) and the mail would
 * reach another mailbox. Here a server that does not announce it gets no recipient at all for such
 * an address (the send fails, to be tried again and then failed for an operator), and ASCII
 * addresses go as before. (With a server that announces it, GreenMail: MailOutboxTest.)
 */
class SmtpUtf8AddressTest {

    private ServerSocket server;
    private Thread serving;
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private Smtp smtp;

    @BeforeEach
    void start() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        serving = new Thread(this::serve, "plain-smtp");
        serving.setDaemon(true);
        serving.start();
        JavaMailSenderImpl sender = new JavaMailSenderImpl();
        sender.setHost("127.0.0.1");
        sender.setPort(server.getLocalPort());
        sender.getJavaMailProperties().put("mail.smtp.connectiontimeout", "2000");
        sender.getJavaMailProperties().put("mail.smtp.timeout", "2000");
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        beans.addBean("mailSender", sender);
        smtp = new Smtp(
                beans.getBeanProvider(JavaMailSender.class),
                new MailProperties(
                        "renderbank <no-reply@test.local>",
                        "renderbank",
                        3,
                        Duration.ofSeconds(30),
                        Duration.ofHours(1),
                        Duration.ofSeconds(5),
                        Duration.ofMinutes(5),
                        Duration.ofMinutes(15)));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        serving.join(5000);
    }

    @Test
    void anAddressOutsideAsciiIsNotSentToAServerWithoutSmtputf8() {
        String to = "\u0142ukasz@example.com";

        assertThatThrownBy(() -> smtp.send(mail(to)))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("SMTPUTF8");
        assertThat(commands).noneMatch(c -> c.startsWith("RCPT") || c.startsWith("MAIL"));
    }

    @Test
    void anAsciiAddressIsSentAsBefore() throws Exception {
        smtp.send(mail("lukasz@example.com"));

        assertThat(commands).contains("RCPT TO:<lukasz@example.com>");
    }

    private static Outbox.Claimed mail(String to) {
        return new Outbox.Claimed(1, "test:" + to, to, "subject", "text", "<p>html</p>", 1);
    }

    /** A plain SMTP server: EHLO without SMTPUTF8, every command taken, each one recorded. */
    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                OutputStream out = s.getOutputStream();
                reply(out, "220 plain.test ESMTP");
                boolean data = false;
                for (String line; (line = in.readLine()) != null; ) {
                    if (data) {
                        if (line.equals(".")) {
                            data = false;
                            reply(out, "250 queued");
                        }
                        continue;
                    }
                    commands.add(line);
                    String verb =
                            line.length() < 4 ? line : line.substring(0, 4).toUpperCase(Locale.ROOT);
                    switch (verb) {
                        case "EHLO" -> reply(out, "250-plain.test\r\n250 8BITMIME");
                        case "DATA" -> {
                            data = true;
                            reply(out, "354 go on");
                        }
                        case "QUIT" -> {
                            reply(out, "221 bye");
                            return;
                        }
                        default -> reply(out, "250 ok");
                    }
                }
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
