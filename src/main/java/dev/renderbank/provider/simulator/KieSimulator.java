package dev.renderbank.provider.simulator;

import dev.renderbank.provider.internal.ProviderProperties;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.web.context.ConfigurableWebEnvironment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A stand-in for KIE.ai served by this process under {@value #PATH} while no real provider key is
 * configured, so the default run is real HTTP end to end. Tasks live in the database and finish
 * by the clock, so they survive a restart; outputs are real files (a PNG drawn from the prompt, a
 * short H.264 MP4). Behaviour can be switched at run time (tests, demos) with the setters here;
 * they apply to this node only.
 */
@Component
public class KieSimulator {

    public static final String PATH = "/sim/kie";
    /** Simulated provider credits one task costs. */
    public static final long IMAGE_COST = 5;

    public static final long VIDEO_COST = 30;

    private static final JsonMapper JSON = JsonMapper.shared();

    /** What one task of this model costs here (videos {@value #VIDEO_COST}, images {@value #IMAGE_COST}). */
    public static long taskCost(String model) {
        return SimTask.kindOf(model, JSON.createObjectNode()) == SimTask.Kind.VIDEO ? VIDEO_COST : IMAGE_COST;
    }

    private final SimulatorProperties defaults;
    private final ProviderProperties provider;
    private final SimTaskStore store;
    private final Environment environment;
    private final Clock clock;
    private final String apiKey;

    private volatile double failureRate;
    private volatile boolean outOfCredits;
    private volatile Duration imageDuration;
    private volatile Duration videoDuration;
    private volatile SimulatorFaults faults;

    KieSimulator(
            SimulatorProperties defaults,
            ProviderProperties provider,
            SimTaskStore store,
            Environment environment,
            Clock clock) {
        this.defaults = defaults;
        this.provider = provider;
        this.store = store;
        this.environment = environment;
        this.clock = clock;
        this.apiKey = defaults.apiKey() != null ? defaults.apiKey() : randomKey();
        resetSettings();
    }

    /** True while no KIE key is configured; otherwise the simulator's endpoints are not mapped at all. */
    public boolean active() {
        return provider.kie().simulated();
    }

    /**
     * {@code http://127.0.0.1:<port>/sim/kie}: the simulator's own port when one is configured,
     * otherwise this server's, resolved now (the port may be random).
     */
    public URI baseUrl() {
        if (defaults.port() > 0) {
            return URI.create("http://127.0.0.1:" + defaults.port() + PATH);
        }
        Integer port = environment.getProperty("local.server.port", Integer.class);
        if (port == null || port <= 0) {
            port = environment.getProperty("server.port", Integer.class, 8080);
        }
        return URI.create("http://127.0.0.1:" + port + PATH);
    }

    /**
     * The bearer key the simulator accepts: {@code renderbank.simulator.api-key} when set (another
     * process calls this simulator), otherwise random per process start.
     */
    public String apiKey() {
        return apiKey;
    }

    /**
     * Why this process cannot call a simulator with its key; empty when it can. Without {@code
     * renderbank.simulator.api-key} the key is drawn at each start and only a simulator served by
     * this same process accepts it. A process without a web server (the command line) serves none:
     * the simulator at the port it would call is the service's, which refuses its key with 401, a
     * refusal the gateway would take for KIE refusing our API key (tripping the shared provider
     * state, so the service refused new generations). Such a process does not call.
     */
    public Optional<String> unreachable() {
        if (defaults.apiKey() != null || environment instanceof ConfigurableWebEnvironment) {
            return Optional.empty();
        }
        return Optional.of("not asked: the built-in simulator's key is drawn per process"
                + " (renderbank.simulator.api-key is unset) and this process (the command line) serves no"
                + " simulator, so the service's would refuse it; use Run now on /admin/reconciliation, or set"
                + " RENDERBANK_SIMULATOR_API_KEY for both the service and the command line");
    }

    public void setFailureRate(double failureRate) {
        if (!(failureRate >= 0 && failureRate <= 1)) {
            throw new IllegalArgumentException("failureRate must be between 0 and 1");
        }
        this.failureRate = failureRate;
    }

    public void setOutOfCredits(boolean outOfCredits) {
        this.outOfCredits = outOfCredits;
    }

    public void setImageDuration(Duration duration) {
        this.imageDuration = requireNonNegative(duration);
    }

    public void setVideoDuration(Duration duration) {
        this.videoDuration = requireNonNegative(duration);
    }

    /** Replaces the injected faults (until {@link #reset()}). */
    public void setFaults(SimulatorFaults faults) {
        this.faults = java.util.Objects.requireNonNull(faults);
    }

    SimulatorFaults faults() {
        return faults;
    }

    public void setBalance(long credits) {
        if (credits < 0) {
            throw new IllegalArgumentException("credits must not be negative");
        }
        store.setBalance(credits);
    }

    public long balance() {
        return store.balance(defaults.balance());
    }

    /**
     * The given tasks fail now, without a callback, as if KIE had dropped them, also one that had
     * finished with a result not collected yet; returns how many changed. A job renderbank fails (an
     * operator's stop, a deadline) leaves its provider task running, and its result would come back
     * later as a free late delivery: tests that need the provider still end those tasks here.
     */
    public int failTasks(Collection<String> taskIds) {
        return store.fail(taskIds, now());
    }

    /** As {@link #failTasks}, for every task still running (also one whose creator never learned its id). */
    public int failRunningTasks() {
        return store.failRunning(now());
    }

    /** Back to the configured behaviour and starting balance (tasks already created are kept). */
    public void reset() {
        resetSettings();
        store.setBalance(defaults.balance());
    }

    /** The KIE state of a task as recordInfo would report it now, if the simulator has it. */
    public Optional<String> taskState(String taskId) {
        return store.find(taskId).map(t -> t.stateAt(now()));
    }

    boolean acceptsKey(String authorization) {
        String expected = "Bearer " + apiKey;
        return authorization != null
                && java.security.MessageDigest.isEqual(
                        expected.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        authorization.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * createTask: stores the task with its cost, or says why not. Out-of-credits mode, or a balance
     * set below one task's cost, answers 402. Spending is not checked against the balance here: that
     * would put every createTask on one account row again (they all queued on its lock), and the
     * simulator's balance only has to run dry when a test or demo says so.
     */
    Created create(String model, JsonNode input, String callbackUrl) {
        SimulatorFaults.Submit fault = faults.submit();
        if (fault == SimulatorFaults.Submit.ERROR) {
            return new Created(null, 500, "Server exception (simulated fault)");
        }
        SimTask.Kind kind = SimTask.kindOf(model, input);
        long cost = kind == SimTask.Kind.VIDEO ? VIDEO_COST : IMAGE_COST;
        if (outOfCredits
                || fault == SimulatorFaults.Submit.OUT_OF_CREDITS
                || store.balanceAsSet(defaults.balance()) < cost) {
            return new Created(null, 402, "insufficient credits");
        }
        SimTask task = new SimTask(
                newTaskId(),
                model,
                kind,
                input,
                callbackUrl,
                now(),
                kind == SimTask.Kind.VIDEO ? videoDuration : imageDuration,
                ThreadLocalRandom.current().nextDouble() < failureRate,
                0);
        store.insert(task, cost, faults.callbackDelay());
        return new Created(task.taskId(), 200, "success", fault == SimulatorFaults.Submit.SLOW);
    }

    Optional<SimTask> find(String taskId) {
        return store.find(taskId);
    }

    /** The recordInfo / callback {@code data} object of a task as of now. */
    Map<String, Object> recordData(SimTask task) {
        Instant now = now();
        String state = task.stateAt(now);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("taskId", task.taskId());
        data.put("model", task.model());
        data.put("state", state);
        data.put("param", JSON.writeValueAsString(Map.of("model", task.model(), "input", task.input())));
        data.put("progress", task.progressAt(now));
        data.put("resultJson", null);
        data.put("failCode", null);
        data.put("failMsg", null);
        data.put("costTime", null);
        data.put("completeTime", null);
        data.put("createTime", task.createdAt().toEpochMilli());
        if (state.equals("success")) {
            String url = baseUrl() + "/files/" + task.taskId() + "/" + SimMedia.fileName(task);
            data.put("resultJson", JSON.writeValueAsString(Map.of("resultUrls", List.of(url))));
        } else if (state.equals("fail")) {
            data.put("failCode", "500");
            data.put("failMsg", "Simulated generation failure");
        }
        if (task.finishedAt(now)) {
            data.put("costTime", task.duration().toMillis());
            data.put("completeTime", task.finishesAt().toEpochMilli());
        }
        return data;
    }

    Instant now() {
        return clock.instant();
    }

    private void resetSettings() {
        this.failureRate = defaults.failureRate();
        this.outOfCredits = defaults.outOfCredits();
        this.imageDuration = defaults.imageDuration();
        this.videoDuration = defaults.videoDuration();
        this.faults = defaults.faults();
    }

    private static String randomKey() {
        byte[] key = new byte[24];
        new SecureRandom().nextBytes(key);
        return "sim-" + HexFormat.of().formatHex(key);
    }

    private static String newTaskId() {
        byte[] id = new byte[16];
        ThreadLocalRandom.current().nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    private static Duration requireNonNegative(Duration d) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative");
        }
        return d;
    }

    /**
     * {@code taskId} is set when created; otherwise {@code code}/{@code msg} say why not. {@code
     * slow}: the answer is to be held back ({@link SimulatorFaults#submitDelay()}).
     */
    record Created(String taskId, int code, String msg, boolean slow) {
        Created(String taskId, int code, String msg) {
            this(taskId, code, msg, false);
        }
    }
}
