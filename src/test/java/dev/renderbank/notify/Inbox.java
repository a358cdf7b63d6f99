package dev.renderbank.notify;

import com.icegreen.greenmail.user.MessageDeliveryHandler;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real SMTP server in the test JVM (GreenMail) on a fixed free port, which can go down and come back
 * (public: other modules' tests read the emails their flows send).
 */
public final class Inbox {

    /** One received email, its parts by content type. */
    public record Mail(String to, String from, String subject, String text, String html, String messageId) {}

    public final int port = freePort();
    private GreenMail server;

    /** Every envelope recipient (SMTP RCPT TO) a message was delivered to, across restarts. */
    private final List<String> envelopeRecipients = new CopyOnWriteArrayList<>();

    public synchronized void start() {
        server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        server.start();
        MessageDeliveryHandler deliver = server.getUserManager().getMessageDeliveryHandler();
        server.getUserManager().setMessageDeliveryHandler((message, to) -> {
            envelopeRecipients.add(to.getEmail());
            return deliver.handle(message, to);
        });
    }

    /** The mailboxes messages were delivered to (the SMTP envelope's, not the To header's). */
    List<String> envelopeRecipients() {
        return List.copyOf(envelopeRecipients);
    }

    public synchronized void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    /**
     * A slow server: the first message to one of {@code addresses} is held in the middle of the SMTP
     * conversation (its data received, the server's "250 OK" not yet given, so the sender waits as on
     * a server that takes its time) until {@code release} opens; {@code held} then has its recipient.
     * Until {@link #stop}.
     */
    synchronized void holdFirstMailTo(Set<String> addresses, CompletableFuture<String> held, CountDownLatch release) {
        MessageDeliveryHandler deliver = server.getUserManager().getMessageDeliveryHandler();
        server.getUserManager().setMessageDeliveryHandler((message, to) -> {
            if (addresses.contains(to.getEmail()) && held.complete(to.getEmail())) {
                try {
                    if (!release.await(60, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("a held message was never released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            return deliver.handle(message, to);
        });
    }

    /** Everything received so far (across restarts of the server: the messages of a stopped one are kept). */
    private final List<Mail> earlier = new ArrayList<>();

    synchronized void down() {
        earlier.addAll(current());
        stop();
    }

    public synchronized List<Mail> to(String address) {
        List<Mail> all = new ArrayList<>(earlier);
        all.addAll(current());
        return all.stream().filter(m -> m.to().equalsIgnoreCase(address)).toList();
    }

    private List<Mail> current() {
        if (server == null) {
            return List.of();
        }
        return Arrays.stream(server.getReceivedMessages()).map(Inbox::read).toList();
    }

    private static Mail read(MimeMessage m) {
        try {
            String[] parts = new String[2];
            collect(m.getContent(), m.getContentType(), parts);
            return new Mail(
                    m.getRecipients(Message.RecipientType.TO)[0].toString(),
                    m.getFrom()[0].toString(),
                    m.getSubject(),
                    parts[0],
                    parts[1],
                    m.getMessageID());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void collect(Object content, String type, String[] parts) throws Exception {
        if (content instanceof Multipart mp) {
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart p = mp.getBodyPart(i);
                collect(p.getContent(), p.getContentType(), parts);
            }
        } else if (content instanceof String s) {
            if (type.toLowerCase().startsWith("text/plain")) {
                parts[0] = s;
            } else if (type.toLowerCase().startsWith("text/html")) {
                parts[1] = s;
            }
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
