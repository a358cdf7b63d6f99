package dev.renderbank.ops.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.renderbank.platform.CursorPaging;
import dev.renderbank.platform.InvalidFieldException;
import dev.renderbank.platform.OperatorAlerts;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * {@code /admin/alerts} and {@code GET /api/v1/admin/alerts}: the operator alerts ({@code
 * operator_alert}, raised through {@link OperatorAlerts}) newest first, filterable by kind. Without
 * {@code renderbank.ops.email} they were otherwise only in the log and the table.
 */
@Controller
class AdminAlertsPages {

    static final int MAX_LIMIT = 200;
    static final int PAGE_SIZE = 100;

    private final OperatorAlerts alerts;

    AdminAlertsPages(OperatorAlerts alerts) {
        this.alerts = alerts;
    }

    record AlertJson(long id, String kind, String message, Instant createdAt) {

        static AlertJson of(OperatorAlerts.Alert a) {
            return new AlertJson(a.id(), a.kind(), a.message(), a.createdAt());
        }
    }

    /** A page of alerts, newest first; {@code nextCursor} is absent on the last page. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record AlertList(List<AlertJson> items, Long nextCursor) {}

    @GetMapping("/admin/alerts")
    String page(@RequestParam(required = false) String kind, @RequestParam(required = false) Long cursor, Model model) {
        String k = blankToNull(kind);
        if (cursor != null && cursor < 1) {
            // as the API and the other admin pages: a cursor no link handed out is refused, not ignored
            throw new InvalidFieldException("cursor", "must be the cursor of an \"Older alerts\" link");
        }
        AlertList page = list(k, cursor, PAGE_SIZE);
        model.addAttribute("items", page.items());
        model.addAttribute("nextCursor", page.nextCursor());
        model.addAttribute("kind", k);
        model.addAttribute("kinds", alerts.kinds());
        return "admin/alerts";
    }

    @GetMapping("/api/v1/admin/alerts")
    @ResponseBody
    AlertList json(
            HttpServletRequest request,
            @RequestParam(required = false) String kind,
            @RequestParam(required = false) Long cursor,
            @RequestParam(defaultValue = "50") int limit) {
        CursorPaging.refuseForeign(request, MAX_LIMIT);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidFieldException("limit", "must be between 1 and " + MAX_LIMIT);
        }
        if (cursor != null && cursor < 1) {
            throw new InvalidFieldException("cursor", "must be a nextCursor this API returned");
        }
        return list(blankToNull(kind), cursor, limit);
    }

    /** One more than asked for tells whether an older page exists. */
    private AlertList list(String kind, Long cursor, int limit) {
        List<OperatorAlerts.Alert> rows = alerts.page(kind, cursor, limit + 1);
        List<AlertJson> items = rows.stream().limit(limit).map(AlertJson::of).toList();
        return new AlertList(items, rows.size() > limit ? items.get(limit - 1).id() : null);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
