package dev.renderbank.provider.simulator;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import dev.renderbank.provider.KieCallbackVerifier;
import dev.renderbank.provider.internal.ProviderProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;
import org.springframework.util.function.SingletonSupplier;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends KIE-shaped callbacks for finished simulator tasks, like KIE does: a POST of
 * {@code {code, msg, data}} to the task's callBackUrl (a Flux Kontext task's in that API's shape,
 * {@link SimKontext}) (signed when a webhook HMAC key is
 * configured). Driven by a db-scheduler recurring task, so one node at a time sends them, and
 * tasks that finished while the app was down get theirs after a restart. A failed delivery is
 * tried again a few times with growing gaps.
 */
@Configuration(proxyBeanMethods = false)
class SimCallbacks {

    static final int MAX_ATTEMPTS = 5;
    private static final int BATCH = 200;
    private static final Duration KIE_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration RUN_BUDGET = Duration.ofSeconds(20);
    private static final JsonMapper JSON = JsonMapper.shared();
    private static final Logger log = LoggerFactory.getLogger(SimCallbacks.class);

    private final KieSimulator simulator;
    private final SimTaskStore store;
    private final String hmacKey;
    /** Built on the first callback: a JDK client builds the default TLS context, which a start need not wait for. */
    private final SingletonSupplier<HttpClient> http = SingletonSupplier.of(() -> HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build());

    SimCallbacks(KieSimulator simulator, SimTaskStore store, ProviderProperties provider) {
        this.simulator = simulator;
        this.store = store;
        this.hmacKey = provider.kie().webhookHmacKey();
    }

    /** Only while the simulator stands in for KIE: with a real key it would run every second for nothing. */
    @Bean
    @Conditional(SimulatorRuns.class)
    RecurringTask<Void> kieSimulatorCallbacks(SimulatorProperties properties) {
        return Tasks.recurring("kie-simulator-callbacks", FixedDelay.of(properties.callbackInterval()))
                .execute((instance, context) -> deliverDue());
    }

    /** Sends every due callback (in parallel batches); returns how many were delivered. */
    int deliverDue() {
        if (!simulator.active()) {
            return 0;
        }
        int delivered = 0;
        Instant stopBy = Instant.now().plus(RUN_BUDGET);
        List<SimTask> due;
        do {
            due = store.callbacksDue(simulator.now(), BATCH);
            List<CompletableFuture<Boolean>> sends = new ArrayList<>();
            for (SimTask task : due) {
                sends.add(send(task));
            }
            for (int i = 0; i < due.size(); i++) {
                SimTask task = due.get(i);
                if (sends.get(i).join()) {
                    store.callbackDelivered(task.taskId());
                    delivered++;
                    if (simulator.faults().duplicateCallback()) {
                        send(task); // the duplicate-callback fault: KIE may deliver twice
                    }
                } else {
                    int attempt = task.callbackAttempts() + 1;
                    store.callbackFailed(
                            task.taskId(),
                            attempt >= MAX_ATTEMPTS ? null : simulator.now().plusSeconds(1L << attempt));
                }
            }
        } while (due.size() == BATCH && Instant.now().isBefore(stopBy));
        return delivered;
    }

    private CompletableFuture<Boolean> send(SimTask task) {
        Map<String, Object> body =
                SimKontext.serves(task.model()) ? SimKontext.callbackBody(simulator, task) : createTaskCallback(task);
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(task.callbackUrl()))
                    .timeout(KIE_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(false);
        }
        if (StringUtils.hasText(hmacKey)) {
            String timestamp = Long.toString(simulator.now().getEpochSecond());
            request.header(KieCallbackVerifier.TIMESTAMP_HEADER, timestamp)
                    .header(
                            KieCallbackVerifier.SIGNATURE_HEADER,
                            KieCallbackVerifier.signature(hmacKey, task.taskId(), timestamp));
        }
        return http.obtain()
                .sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
                .handle((response, error) -> {
                    boolean ok = error == null && response.statusCode() / 100 == 2;
                    if (!ok) {
                        log.info(
                                "Simulator callback for task {} to {} not accepted: {}",
                                task.taskId(),
                                task.callbackUrl(),
                                error != null ? error.toString() : "HTTP " + response.statusCode());
                    }
                    return ok;
                });
    }

    /** A createTask task's callback: its recordInfo {@code data}. */
    private Map<String, Object> createTaskCallback(SimTask task) {
        Map<String, Object> data = simulator.recordData(task);
        boolean success = "success".equals(data.get("state"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", success ? 200 : 501);
        body.put("msg", success ? "success" : String.valueOf(data.get("failMsg")));
        body.put("data", data);
        return body;
    }
}
