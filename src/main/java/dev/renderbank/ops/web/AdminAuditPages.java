package dev.renderbank.ops.web;

import dev.renderbank.ops.Audit;
import dev.renderbank.ops.OperatorAction;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/admin/audit}: the operator actions, newest first, filterable. */
@RestController
class AdminAuditApi {

    private final Audit audit;

    AdminAuditApi(Audit audit) {
        this.audit = audit;
    }

    @GetMapping("/api/v1/admin/audit")
    Map<String, Object> list(
            @RequestParam(required = false) String actor,
            @RequestParam(required = false) String action,
            @RequestParam(required = false) String target,
            @RequestParam(required = false) Long cursor,
            @RequestParam(defaultValue = "50") int limit) {
        List<OperatorAction> items = audit.list(actor, action, target, cursor, limit);
        var json = items.stream().map(a -> ActionAnswers.json(a, false)).toList();
        return items.size() == limit
                ? Map.of(
                        "items", json, "nextCursor", items.get(items.size() - 1).id())
                : Map.of("items", json);
    }
}
