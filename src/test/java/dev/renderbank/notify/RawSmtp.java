package dev.renderbank.notify;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A minimal SMTP server on a loopback socket, for answers a real one (GreenMail) does not give: it
 * greets, then hands each command line (upper-cased) to {@link Answer}, one connection at a time.
 */
final class RawSmtp {

    /** Answers one command; false ends the connection. */
    interface Answer {
        boolean answer(String command, BufferedReader in, OutputStream out, Socket socket) throws IOException;
    }

    private RawSmtp() {}

    static ServerSocket open() {
        try {
            return new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Points the application's mail at {@code server}, with short timeouts and quick retries. */
    static void register(DynamicPropertyRegistry r, ServerSocket server, int maxAttempts, String lease) {
        r.add("spring.mail.host", () -> "127.0.0.1");
        r.add("spring.mail.port", server::getLocalPort);
        r.add("spring.mail.properties.mail.smtp.connectiontimeout", () -> "2000");
        r.add("spring.mail.properties.mail.smtp.timeout", () -> "2000");
        r.add("renderbank.mail.send-interval", () -> "200ms");
        r.add("renderbank.mail.max-attempts", () -> Integer.toString(maxAttempts));
        r.add("renderbank.mail.first-retry", () -> "200ms");
        r.add("renderbank.mail.lease", () -> lease);
    }

    static Thread serve(ServerSocket server, String greeting, Answer answer) {
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.setSoTimeout(5000);
                    var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                    OutputStream out = s.getOutputStream();
                    reply(out, "220 " + greeting + " ESMTP");
                    for (String line; (line = in.readLine()) != null; ) {
                        if (!answer.answer(line.toUpperCase(Locale.ROOT), in, out, s)) {
                            break;
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

    static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }
}
