package dev.renderbank.notify.internal;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Component;

/**
 * The way out: Spring Mail's {@link JavaMailSender}, which Spring Boot creates only when {@code
 * spring.mail.host} is set. Without it the application is in outbox-only mode: nothing leaves the
 * machine. Each message carries a {@code Message-ID} derived from its outbox key, the same on every
 * attempt, so a receiver can drop the one duplicate a crash between send and mark may cause.
 */
@Component
public class Smtp {

    private final Optional<JavaMailSender> sender;
    private final MailProperties props;

    Smtp(ObjectProvider<JavaMailSender> sender, MailProperties props) {
        this.sender = Optional.ofNullable(sender.getIfAvailable());
        this.props = props;
    }

    public boolean enabled() {
        return sender.isPresent();
    }

    /** Hands the message to the SMTP server; any exception means "not sent, try again later". */
    public void send(Outbox.Claimed mail) throws MessagingException {
        JavaMailSender s = sender.orElseThrow(() -> new IllegalStateException("no SMTP server configured"));
        String messageId = "<" + sha256(mail.key()) + "@renderbank>";
        MimeMessage message = s instanceof JavaMailSenderImpl impl
                ? new StableIdMessage(impl.getSession(), messageId)
                : s.createMimeMessage();
        MimeMessageHelper helper =
                new MimeMessageHelper(message, MimeMessageHelper.MULTIPART_MODE_MIXED_RELATED, "UTF-8");
        helper.setFrom(props.from());
        helper.setTo(mail.to());
        helper.setSubject(mail.subject());
        helper.setText(mail.text(), mail.html());
        message.setHeader("X-Renderbank-Key", mail.key());
        s.send(message);
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
