package dev.renderbank.provider.simulator;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * KIE.ai's endpoints as the simulator serves them (createTask and recordInfo, the Flux Kontext API's
 * generate and record-info for its models, {@link SimKontext}; each answers only for its own
 * models and tasks): the same paths under {@value KieSimulator#PATH}, the same {@code {code, msg, data}} bodies, the same bearer-key check (Spring Security lets
 * {@code /sim/**} through; the key is checked here, before a byte of the body is read, and the
 * body is then parsed by the application's size-bounded mapper). Result files are public, like
 * KIE's. Mapped only while the simulator runs ({@link SimulatorRuns}).
 */
@RestController
@RequestMapping(KieSimulator.PATH)
@Conditional(SimulatorRuns.class)
class SimulatorController {

    private static final Pattern TASK_ID = Pattern.compile("[0-9a-f]{32}");
    private static final int MAX_PROMPT = 10_000;

    private final KieSimulator simulator;
    private final SimMedia media;
    private final JsonMapper json;

    SimulatorController(KieSimulator simulator, SimMedia media, JsonMapper json) {
        this.simulator = simulator;
        this.media = media;
        this.json = json;
    }

    @PostMapping("/api/v1/jobs/createTask")
    ResponseEntity<Map<String, Object>> createTask(
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            HttpServletRequest request)
            throws IOException {
        Read read = read(authorization, request);
        if (read.refused() != null) {
            return read.refused();
        }
        JsonNode body = read.body();
        if (body == null
                || !body.path("model").isString()
                || body.path("model").asString().isBlank()) {
            return answer(422, "model is required", null);
        }
        if (SimKontext.serves(body.path("model").asString())) {
            return answer(422, body.path("model").asString() + " is served by " + SimKontext.GENERATE, null);
        }
        JsonNode input = body.path("input");
        if (!input.isObject()
                || !input.path("prompt").isString()
                || input.path("prompt").asString().isBlank()) {
            return answer(422, "input.prompt is required", null);
        }
        return create(body, input, "input.prompt");
    }

    /** KIE's Flux Kontext API: a flat body, only its own models. */
    @PostMapping(SimKontext.GENERATE)
    ResponseEntity<Map<String, Object>> fluxKontextGenerate(
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            HttpServletRequest request)
            throws IOException {
        Read read = read(authorization, request);
        if (read.refused() != null) {
            return read.refused();
        }
        JsonNode body = read.body();
        if (!(body instanceof ObjectNode object)
                || !SimKontext.serves(body.path("model").asString(""))) {
            return answer(422, "model must be flux-kontext-pro or flux-kontext-max", null);
        }
        if (!body.path("prompt").isString() || body.path("prompt").asString().isBlank()) {
            return answer(422, "prompt is required", null);
        }
        return create(body, SimKontext.input(object), "prompt");
    }

    /** A create's request: refused (the key, before the body is read; a body that is not JSON), or its body. */
    private record Read(ResponseEntity<Map<String, Object>> refused, JsonNode body) {}

    private Read read(String authorization, HttpServletRequest request) throws IOException {
        Optional<ResponseEntity<Map<String, Object>>> refused = gate(authorization);
        if (refused.isPresent()) {
            return new Read(refused.get(), null);
        }
        try {
            return new Read(null, json.readTree(request.getInputStream()));
        } catch (JacksonException e) {
            return new Read(answer(422, "the body must be a JSON object within the request size limit", null), null);
        }
    }

    /** The rest of a create, either API: the prompt's length, the callback URL, the task. */
    private ResponseEntity<Map<String, Object>> create(JsonNode body, JsonNode input, String promptName) {
        if (input.path("prompt").asString().length() > MAX_PROMPT) {
            return answer(422, promptName + " is longer than " + MAX_PROMPT + " characters", null);
        }
        String callbackUrl =
                body.path("callBackUrl").isString() ? body.path("callBackUrl").asString() : null;
        if (callbackUrl != null && !isHttpUrl(callbackUrl)) {
            return answer(422, "callBackUrl must be an http(s) URL", null);
        }
        KieSimulator.Created created = simulator.create(body.path("model").asString(), input, callbackUrl);
        if (created.taskId() == null) {
            return answer(created.code(), created.msg(), null);
        }
        if (created.slow()) {
            holdBack(simulator.faults().submitDelay());
        }
        return answer(200, "success", Map.of("taskId", created.taskId()));
    }

    @GetMapping("/api/v1/jobs/recordInfo")
    ResponseEntity<Map<String, Object>> recordInfo(
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            @RequestParam(required = false) String taskId) {
        return record(authorization, taskId, false, simulator::recordData);
    }

    @GetMapping(SimKontext.RECORD_INFO)
    ResponseEntity<Map<String, Object>> fluxKontextRecordInfo(
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
            @RequestParam(required = false) String taskId) {
        return record(authorization, taskId, true, task -> SimKontext.recordData(simulator, task));
    }

    /** A task's record, from the API that created it only ({@code kontext}: the Flux Kontext API's). */
    private ResponseEntity<Map<String, Object>> record(
            String authorization, String taskId, boolean kontext, Function<SimTask, Map<String, Object>> data) {
        Optional<ResponseEntity<Map<String, Object>>> refused = gate(authorization);
        if (refused.isPresent()) {
            return refused.get();
        }
        if (taskId == null || taskId.isBlank()) {
            return answer(422, "taskId is required", null);
        }
        return simulator
                .find(taskId)
                .filter(task -> SimKontext.serves(task.model()) == kontext)
                .map(task -> answer(200, "success", data.apply(task)))
                .orElseGet(() -> answer(404, "task not found", null));
    }

    @GetMapping("/api/v1/chat/credit")
    ResponseEntity<Map<String, Object>> credit(
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        return gate(authorization).orElseGet(() -> answer(200, "success", simulator.balance()));
    }

    @GetMapping("/files/{taskId}/{name}")
    ResponseEntity<Resource> file(@PathVariable String taskId, @PathVariable String name) {
        if (!simulator.active() || !TASK_ID.matcher(taskId).matches()) {
            return ResponseEntity.notFound().build();
        }
        Optional<SimTask> task = simulator.find(taskId);
        if (task.isEmpty()
                || !"success".equals(task.get().stateAt(simulator.now()))
                || !SimMedia.fileName(task.get()).equals(name)) {
            return ResponseEntity.notFound().build();
        }
        if (simulator.faults().downloadFails()) {
            return ResponseEntity.internalServerError().build();
        }
        Path file = media.file(task.get());
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(SimMedia.contentType(name)))
                .body(new FileSystemResource(file));
    }

    /** The slow-createTask fault: the caller times out while this thread waits (simulator only). */
    private static void holdBack(java.time.Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Optional<ResponseEntity<Map<String, Object>>> gate(String authorization) {
        if (!simulator.active()) {
            return Optional.of(answer(404, "the simulator is off: a real provider key is configured", null));
        }
        if (!simulator.acceptsKey(authorization)) {
            return Optional.of(answer(401, "You do not have access permissions", null));
        }
        return Optional.empty();
    }

    private static ResponseEntity<Map<String, Object>> answer(int code, String msg, Object data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("msg", msg);
        body.put("data", data);
        return ResponseEntity.status(code)
                .contentType(MediaType.APPLICATION_JSON)
                .body(body);
    }

    private static boolean isHttpUrl(String value) {
        try {
            URI uri = URI.create(value);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
