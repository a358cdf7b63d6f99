package dev.renderbank.ops.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.renderbank.ops.Audit;
import dev.renderbank.ops.OperatorAction;
import java.time.LocalDate;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * {@code /admin/audit} and {@code GET /api/v1/admin/audit}: the operator actions, newest first,
 * filterable by actor, action kind, subject (target) and UTC date range.
 */
@Controller
class AdminAuditPages {

    private final Audit audit;

    AdminAuditPages(Audit audit) {
        this.audit = audit;
    }

    @GetMapping("/admin/audit")
    String page(
            @RequestParam(required = false) String actor,
            @RequestParam(required = false) String action,
            @RequestParam(required = false) String target,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(required = false) Long cursor,
            Model model) {
        List<OperatorAction> items = list(actor, action, target, from, to, cursor, 100);
        model.addAttribute("items", items);
        model.addAttribute("actor", actor);
        model.addAttribute("action", action);
        model.addAttribute("target", target);
        model.addAttribute("from", from);
        model.addAttribute("to", to);
        model.addAttribute(
                "nextCursor", items.size() == 100 ? items.get(items.size() - 1).id() : null);
        return "admin/audit";
    }

    /** A page of operator actions, newest first; {@code nextCursor} is absent on the last page. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ActionList(List<ActionRecord> items, Long nextCursor) {}

    @GetMapping("/api/v1/admin/audit")
    @ResponseBody
    ActionList json(
            @RequestParam(required = false) String actor,
            @RequestParam(required = false) String action,
            @RequestParam(required = false) String target,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(required = false) Long cursor,
            @RequestParam(defaultValue = "50") int limit) {
        List<OperatorAction> items = list(actor, action, target, from, to, cursor, limit);
        return new ActionList(
                items.stream().map(a -> ActionRecord.of(a, false)).toList(),
                items.size() == limit ? items.get(items.size() - 1).id() : null);
    }

    private List<OperatorAction> list(
            String actor, String action, String target, String from, String to, Long cursor, int limit) {
        LocalDate start = AdminMarginsPage.day("from", from, null);
        LocalDate end = AdminMarginsPage.day("to", to, null);
        return audit.list(actor, action, target, start, end, cursor, limit);
    }
}
