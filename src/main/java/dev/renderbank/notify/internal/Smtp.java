package dev.renderbank.notify.internal;

import dev.renderbank.platform.ProductionCheck;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Date;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Component;

/**
 * The way out: Spring Mail's {@link JavaMailSender}, which Spring Boot creates only when {@code
 * spring.mail.host} is set. Without it the application is in outbox-only mode: nothing leaves the
 * machine. Each message carries a {@code Message-ID} derived from its outbox key, the same on every
 * attempt, so a receiver can drop the one duplicate that a crash between send and mark, or a database
 * that fails every try of the mark ({@link MailDelivery}), may cause.
 */
@Component
public class Smtp {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Smtp.class);

    private final Optional<JavaMailSender> sender;
    private final MailProperties props;

    Smtp(ObjectProvider<JavaMailSender> sender, MailProperties props) {
        // Spring Boot creates the sender for any spring.mail.host but "false", an empty one too (an
        // unset variable of an env template: SPRING_MAIL_HOST=); the production check takes a blank
        // host for no SMTP, and so does this: outbox only, links logged, the sender's check applies
        this.sender = Optional.ofNullable(sender.getIfAvailable())
                .filter(s -> !(s instanceof JavaMailSenderImpl impl) || ProductionCheck.mailHostSet(impl.getHost()));
        this.props = props;
    }

    public boolean enabled() {
        return sender.isPresent();
    }

    /**
     * Hands the message to the SMTP server; an exception means "not accepted, try again later". Once
     * the server accepted it (its 250 after the data), it is sent: a connection that then fails (a QUIT
     * left unanswered or reset) is logged, not thrown, or every retry would send another copy.
     */
    public void send(Outbox.Claimed mail) throws MessagingException {
        JavaMailSender s = sender.orElseThrow(() -> new IllegalStateException("no SMTP server configured"));
        if (!(s instanceof JavaMailSenderImpl impl)) {
            if (!ascii(mail.to())) {
                throw new MessagingException("not sent: the address has characters outside ASCII, and this mail"
                        + " sender cannot be asked whether its server takes them (SMTPUTF8)");
            }
            s.send(compose(s.createMimeMessage(), mail));
            return;
        }
        if (ascii(mail.to())) {
            deliver(impl, impl.getSession(), mail, false);
        } else {
            // An address with characters outside ASCII (sign-up takes letters such as ł): SMTP without
            // SMTPUTF8 (RFC 6531) keeps only each character's low byte, so łukasz@… went out as
            // Bukasz@…, a mailbox anyone may own, with the account's reset link. It goes in UTF-8 to a
            // server that announces SMTPUTF8, or not at all (an exception: tried again later, then
            // failed for an operator), never to another mailbox.
            Properties utf8 = new Properties();
            utf8.putAll(impl.getSession().getProperties());
            utf8.put("mail.mime.allowutf8", "true");
            deliver(impl, Session.getInstance(utf8), mail, true);
        }
    }

    /** Connects as {@link JavaMailSenderImpl} would, sends, and then closes without unsending. */
    private void deliver(JavaMailSenderImpl impl, Session session, Outbox.Claimed mail, boolean needsUtf8)
            throws MessagingException {
        MimeMessage message = compose(new StableIdMessage(session, messageId(mail)), mail);
        // the protocol and credentials as JavaMailSenderImpl picks them
        String protocol = impl.getProtocol() != null
                ? impl.getProtocol()
                : session.getProperty("mail.transport.protocol") != null
                        ? session.getProperty("mail.transport.protocol")
                        : JavaMailSenderImpl.DEFAULT_PROTOCOL;
        String username = impl.getUsername();
        String password = impl.getPassword();
        if ("".equals(username)) {
            username = null;
            if ("".equals(password)) {
                password = null;
            }
        }
        Transport transport = session.getTransport(protocol);
        try {
            transport.connect(impl.getHost(), impl.getPort(), username, password);
            if (needsUtf8 && (!(transport instanceof SMTPTransport smtp) || !smtp.supportsExtension("SMTPUTF8"))) {
                throw new MessagingException("not sent: the address has characters outside ASCII and the SMTP"
                        + " server does not announce SMTPUTF8; sent without it, it would reach another mailbox");
            }
            message.setSentDate(new Date()); // as JavaMailSenderImpl does
            message.saveChanges();
            transport.sendMessage(message, message.getAllRecipients());
        } catch (MessagingException | RuntimeException e) {
            closeQuietly(transport, mail);
            throw e;
        }
        closeQuietly(transport, mail);
    }

    private static void closeQuietly(Transport transport, Outbox.Claimed mail) {
        try {
            transport.close();
        } catch (MessagingException | RuntimeException e) {
            log.warn("mail {}: the SMTP connection failed as it was closed ({})", mail.id(), e.toString());
        }
    }

    /** {@code message} with the mail's sender, recipient, subject, parts and key. */
    private MimeMessage compose(MimeMessage message, Outbox.Claimed mail) throws MessagingException {
        MimeMessageHelper helper =
                new MimeMessageHelper(message, MimeMessageHelper.MULTIPART_MODE_MIXED_RELATED, "UTF-8");
        helper.setFrom(props.from());
        helper.setTo(mail.to());
        helper.setSubject(mail.subject());
        helper.setText(mail.text(), mail.html());
        message.setHeader("X-Renderbank-Key", mail.key());
        return message;
    }

    static boolean ascii(String address) {
        return StandardCharsets.US_ASCII.newEncoder().canEncode(address);
    }

    private static String messageId(Outbox.Claimed mail) {
        return "<" + sha256(mail.key()) + "@renderbank>";
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Keeps the given Message-ID where JavaMail would make up a new one per attempt. */
    private static final class StableIdMessage extends MimeMessage {
        private final String messageId;

        StableIdMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
