package dev.renderbank.bank;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A webhook receiver for the bank test's users' endpoints, on loopback: it records each delivery's
 * {@code webhook-id} by cause (event type and job), and refuses one delivery in ten with a 500 so
 * that the app redelivers. A redelivery carries the same id (counted, fine); a second id for the
 * same cause is a violation.
 */
final class BankHooks implements AutoCloseable {

    private static final Pattern TYPE = Pattern.compile("\"type\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern TASK = Pattern.compile("\"taskId\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpServer server;
    private final Map<String, Set<String>> idsByCause = new ConcurrentHashMap<>();
    private final Set<String> ids = ConcurrentHashMap.newKeySet();
    private final LongAdder received = new LongAdder();

    BankHooks() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/hook", exchange -> {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            boolean refuse = ThreadLocalRandom.current().nextInt(10) == 0;
            if (!refuse && id != null) {
                received.increment();
                ids.add(id);
                Matcher type = TYPE.matcher(body);
                Matcher task = TASK.matcher(body);
                if (type.find() && task.find()) {
                    idsByCause
                            .computeIfAbsent(type.group(1) + " " + task.group(1), k -> ConcurrentHashMap.newKeySet())
                            .add(id);
                }
            }
            exchange.sendResponseHeaders(refuse ? 500 : 204, -1);
            exchange.close();
        });
        server.start();
    }

    String url(long userId) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook/" + userId;
    }

    long received() {
        return received.sum();
    }

    long redeliveries() {
        return received.sum() - ids.size();
    }

    List<String> violations() {
        List<String> out = new ArrayList<>();
        idsByCause.forEach((cause, seen) -> {
            if (seen.size() > 1) {
                out.add("webhook cause " + cause + " came with " + seen.size() + " distinct webhook-ids " + seen);
            }
        });
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
