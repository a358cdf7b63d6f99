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
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Browser tests that read the emails the application sends: a real SMTP server (GreenMail) in the
 * test JVM besides the browser. Every subclass shares one application context (the SMTP settings
 * are declared here, once), so adding a mail-reading browser test costs no new context.
 */
public abstract class MailBrowserTest extends BrowserTest {

    /**
     * One SMTP server for the whole test JVM, started when the first subclass loads and never stopped:
     * the shared context keeps its port, and a port left free between two classes could be taken
     * meanwhile (any outgoing connection's ephemeral port), so the second class's server could not start.
     */
    protected static final GreenMail smtp;

    protected static final int SMTP_PORT;

    static {
        IllegalStateException last = null;
        GreenMail started = null;
        int port = 0;
        for (int attempt = 0; attempt < 5 && started == null; attempt++) {
            port = freePort();
            GreenMail candidate = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            try {
                candidate.start();
                started = candidate;
            } catch (IllegalStateException e) {
                last = e; // the port was taken between the look and the start: another one
            }
        }
        if (started == null) {
            throw last;
        }
        smtp = started;
        SMTP_PORT = port;
        Runtime.getRuntime().addShutdownHook(new Thread(started::stop));
    }

    @DynamicPropertySource
    static void mail(DynamicPropertyRegistry r) {
        r.add("spring.mail.host", () -> "127.0.0.1");
        r.add("spring.mail.port", () -> SMTP_PORT);
        r.add("renderbank.mail.send-interval", () -> "200ms");
    }

    /** What this class's tests received is not the next class's concern. */
    @AfterAll
    static void forgetReceivedMail() throws Exception {
        smtp.purgeEmailFromAllMailboxes();
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
