import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * bench/generate's provider stub (BENCH_SIM=stub): the few KIE endpoints renderbank calls, answered from
 * memory, so that a benchmark on one machine spends its CPU on renderbank and not on a provider. A real
 * provider runs on other machines; the built-in simulator (BENCH_SIM=process) is a whole second renderbank
 * with its own PostgreSQL, whose createTask (filter chain, JSON, an insert and a durable commit) costs about
 * as much CPU per job as the app's own work and shares the same cores.
 *
 * <p>Wire facts as KIE's (and the simulator's): {@code POST …/api/v1/jobs/createTask} answers
 * {@code {"code":200,"msg":"success","data":{"taskId":…}}}; {@code GET …/api/v1/jobs/recordInfo?taskId=}
 * answers the task's state ({@code waiting} until its duration has passed, then {@code success} with
 * {@code resultJson} naming one file); {@code GET …/api/v1/chat/credit} the balance; {@code GET
 * …/files/<taskId>/output.png} a 1×1 PNG. Every API call needs {@code Authorization: Bearer <key>} (401
 * otherwise). The body of a createTask is read and must carry a model and a prompt (422 otherwise), as the
 * simulator checks; no callbacks are sent (the harness posts them). {@code GET /stub/finished} lists the
 * ids of finished tasks, one per line, and {@code GET /stub/count} how many tasks were created, for the
 * harness.
 *
 * <p>Usage: {@code java StubKie <port> <api-key> <task-duration-seconds> [threads] [createTask-delay-ms]}: with a
 * delay, every createTask is answered only after it (the task exists from the start, as at a provider that
 * is slow to answer), to measure the app's accepts while its submits are slow.
 */
public final class StubKie {

    private static final String PREFIX = "/sim/kie";
    private static final byte[] PNG = Base64.getDecoder()
            .decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    private final Map<String, Long> createdAtMillis = new ConcurrentHashMap<>();
    private final AtomicLong created = new AtomicLong();
    private final SecureRandom random = new SecureRandom();
    private final byte[] expectedAuthorization;
    private final long durationMillis;
    private final long createDelayMillis;
    private final String base;

    private StubKie(String apiKey, long durationMillis, long createDelayMillis, String base) {
        this.expectedAuthorization = ("Bearer " + apiKey).getBytes(StandardCharsets.UTF_8);
        this.durationMillis = durationMillis;
        this.createDelayMillis = createDelayMillis;
        this.base = base;
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        long delay = args.length > 4 ? Long.parseLong(args[4]) : 0;
        StubKie stub = new StubKie(args[1], Long.parseLong(args[2]) * 1000, delay, "http://127.0.0.1:" + port + PREFIX);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        server.createContext("/", stub::handle);
        server.setExecutor(Executors.newFixedThreadPool(threads));
        server.start();
        System.out.println("stub KIE provider on port " + port + ", tasks take " + args[2] + " s, " + threads
                + " threads, createTask answered after " + delay + " ms");
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (path.equals("/actuator/health")) {
                send(exchange, 200, "application/json", "{\"status\":\"UP\"}");
            } else if (path.equals("/stub/finished")) {
                long cutoff = System.currentTimeMillis() - durationMillis - 1000;
                StringBuilder out = new StringBuilder();
                createdAtMillis.forEach((id, at) -> {
                    if (at < cutoff) {
                        out.append(id).append('\n');
                    }
                });
                send(exchange, 200, "text/plain", out.toString());
            } else if (path.equals("/stub/count")) {
                send(exchange, 200, "text/plain", Long.toString(created.get()));
            } else if (path.startsWith(PREFIX + "/files/") && method.equals("GET")) {
                String[] parts = path.substring((PREFIX + "/files/").length()).split("/");
                Long at = parts.length == 2 ? createdAtMillis.get(parts[0]) : null;
                if (at == null || at + durationMillis > System.currentTimeMillis()) {
                    send(exchange, 404, "text/plain", "not found");
                } else {
                    exchange.getResponseHeaders().set("Content-Type", "image/png");
                    exchange.sendResponseHeaders(200, PNG.length);
                    exchange.getResponseBody().write(PNG);
                }
            } else if (!authorized(exchange)) {
                answer(exchange, 401, "You do not have access permissions", "null");
            } else if (path.equals(PREFIX + "/api/v1/jobs/createTask") && method.equals("POST")) {
                createTask(exchange);
            } else if (path.equals(PREFIX + "/api/v1/jobs/recordInfo") && method.equals("GET")) {
                recordInfo(exchange);
            } else if (path.equals(PREFIX + "/api/v1/chat/credit") && method.equals("GET")) {
                answer(exchange, 200, "success", "1000000000");
            } else {
                send(exchange, 404, "text/plain", "not found");
            }
        }
    }

    private boolean authorized(HttpExchange exchange) {
        String given = exchange.getRequestHeaders().getFirst("Authorization");
        return given != null
                && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expectedAuthorization);
    }

    private void createTask(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
        }
        // the simulator's checks, without a JSON parser: a model and a prompt are named
        if (!body.contains("\"model\"") || !body.contains("\"prompt\"")) {
            answer(exchange, 422, "model and input.prompt are required", "null");
            return;
        }
        byte[] id = new byte[16];
        random.nextBytes(id);
        String taskId = HexFormat.of().formatHex(id);
        createdAtMillis.put(taskId, System.currentTimeMillis());
        created.incrementAndGet();
        if (createDelayMillis > 0) {
            try {
                Thread.sleep(createDelayMillis); // the provider's slowness, not pacing: see the class comment
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        answer(exchange, 200, "success", "{\"taskId\":\"" + taskId + "\"}");
    }

    private void recordInfo(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getRawQuery();
        String taskId = null;
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("taskId=")) {
                    taskId = URLDecoder.decode(pair.substring("taskId=".length()), StandardCharsets.UTF_8);
                }
            }
        }
        Long at = taskId == null ? null : createdAtMillis.get(taskId);
        if (at == null) {
            answer(exchange, 404, "task not found", "null");
            return;
        }
        long now = System.currentTimeMillis();
        boolean done = at + durationMillis <= now;
        String resultJson = done
                ? "\"{\\\"resultUrls\\\":[\\\"" + base + "/files/" + taskId + "/output.png\\\"]}\""
                : "null";
        String data = "{\"taskId\":\"" + taskId + "\",\"model\":\"nano-banana\",\"state\":\""
                + (done ? "success" : "waiting") + "\",\"param\":\"{}\",\"progress\":" + (done ? 100 : 50)
                + ",\"resultJson\":" + resultJson + ",\"failCode\":null,\"failMsg\":null,\"costTime\":"
                + (done ? durationMillis : "null") + ",\"completeTime\":" + (done ? at + durationMillis : "null")
                + ",\"createTime\":" + at + "}";
        answer(exchange, 200, "success", data);
    }

    private static void answer(HttpExchange exchange, int code, String msg, String dataJson) throws IOException {
        send(exchange, code, "application/json",
                "{\"code\":" + code + ",\"msg\":\"" + msg + "\",\"data\":" + dataJson + "}");
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
