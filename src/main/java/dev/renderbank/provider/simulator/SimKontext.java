package dev.renderbank.provider.simulator;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The simulator's side of KIE's Flux Kontext API (docs.kie.ai/flux-kontext-api), which serves
 * {@code flux-kontext-pro} and {@code flux-kontext-max} instead of createTask: {@code POST
 * /api/v1/flux/kontext/generate} (a flat body: {@code model}, {@code prompt}, {@code callBackUrl},
 * {@code inputImage}, {@code outputFormat} ...), {@code GET /api/v1/flux/kontext/record-info}
 * ({@code successFlag} 0 generating, 1 success with {@code response.resultImageUrl}, 3 generation
 * failed), and a callback of {@code {code, msg, data: {taskId, info: {resultImageUrl, …}}}}. Its
 * tasks are stored like createTask's (the body without model and callback is the task's input), and
 * each API answers only for its own tasks, as two APIs of KIE would.
 */
final class SimKontext {

    static final String GENERATE = "/api/v1/flux/kontext/generate";
    static final String RECORD_INFO = "/api/v1/flux/kontext/record-info";

    private static final Set<String> MODELS = Set.of("flux-kontext-pro", "flux-kontext-max");
    private static final JsonMapper JSON = JsonMapper.shared();

    private SimKontext() {}

    static boolean serves(String model) {
        return model != null && MODELS.contains(model);
    }

    /** The task's input: the body without the fields every task has apart (model, callback). */
    static ObjectNode input(ObjectNode body) {
        ObjectNode input = body.deepCopy();
        input.remove("model");
        input.remove("callBackUrl");
        return input;
    }

    /** The record-info {@code data} of a task as of now. */
    static Map<String, Object> recordData(KieSimulator simulator, SimTask task) {
        Instant now = simulator.now();
        String state = task.stateAt(now);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("taskId", task.taskId());
        ObjectNode param = task.input() instanceof ObjectNode o ? o.deepCopy() : JSON.createObjectNode();
        param.put("model", task.model());
        data.put("paramJson", JSON.writeValueAsString(param));
        data.put("completeTime", task.finishedAt(now) ? task.finishesAt().toString() : null);
        data.put("response", state.equals("success") ? info(simulator, task) : null);
        data.put("successFlag", state.equals("success") ? 1 : state.equals("fail") ? 3 : 0);
        data.put("errorCode", state.equals("fail") ? 500 : null);
        data.put("errorMessage", state.equals("fail") ? "Simulated generation failure" : "");
        data.put("createTime", task.createdAt().toString());
        return data;
    }

    /** The callback KIE posts when a Flux Kontext task has finished. */
    static Map<String, Object> callbackBody(KieSimulator simulator, SimTask task) {
        boolean success = "success".equals(task.stateAt(simulator.now()));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("taskId", task.taskId());
        data.put("info", success ? info(simulator, task) : null);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", success ? 200 : 501);
        body.put("msg", success ? "BFL image generated successfully." : "Simulated generation failure");
        body.put("data", data);
        return body;
    }

    private static Map<String, Object> info(KieSimulator simulator, SimTask task) {
        Map<String, Object> info = new LinkedHashMap<>();
        String url = simulator.baseUrl() + "/files/" + task.taskId() + "/" + SimMedia.fileName(task);
        info.put("originImageUrl", url);
        info.put("resultImageUrl", url);
        return info;
    }
}
