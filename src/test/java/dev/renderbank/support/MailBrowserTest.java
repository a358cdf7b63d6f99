package dev.renderbank.support;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Browser tests that read the emails the application sends: a real SMTP server (GreenMail) in the
 * test JVM besides the browser. Every subclass shares one application context (the SMTP settings
 * are declared here, once), so adding a mail-reading browser test costs no new context.
 */
public abstract class MailBrowserTest extends BrowserTest {

    protected static final int SMTP_PORT = freePort();
    protected static GreenMail smtp;

    @DynamicPropertySource
    static void mail(DynamicPropertyRegistry r) {
        r.add("spring.mail.host", () -> "127.0.0.1");
        r.add("spring.mail.port", () -> SMTP_PORT);
        r.add("renderbank.mail.send-interval", () -> "200ms");
    }

    @BeforeAll
    static void startSmtp() {
        smtp = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
    }

    @AfterAll
    static void stopSmtp() {
        if (smtp != null) {
            smtp.stop();
        }
    }

    /** The first link matching {@code link} in an email to {@code to}, pointed at this test's server. */
    protected Optional<String> emailedLink(String to, Pattern link) {
        return Arrays.stream(smtp.getReceivedMessages())
                .filter(m -> recipient(m).equalsIgnoreCase(to))
                .map(GreenMailUtil::getBody)
                .map(body -> body.replace("=\r\n", "").replace("=3D", "="))
                .map(link::matcher)
                .filter(Matcher::find)
                .map(Matcher::group)
                .findFirst()
                .map(found -> found.replaceFirst("^https?://[^/]+", "http://localhost:" + port));
    }

    private static String recipient(MimeMessage m) {
        try {
            return m.getAllRecipients()[0].toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
