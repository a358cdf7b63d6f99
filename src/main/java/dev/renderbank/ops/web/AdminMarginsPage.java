package dev.renderbank.ops.web;

import dev.renderbank.ops.Margins;
import dev.renderbank.ops.MarginsReport;
import dev.renderbank.platform.InvalidFieldException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

/** {@code /admin/margins} and {@code GET /api/v1/admin/margins?from=&to=} (UTC days, default the last 30). */
@Controller
class AdminMarginsPage {

    private final Margins margins;
    private final Clock clock;

    AdminMarginsPage(Margins margins, Clock clock) {
        this.margins = margins;
        this.clock = clock;
    }

    @GetMapping("/admin/margins")
    String page(@RequestParam(required = false) String from, @RequestParam(required = false) String to, Model model) {
        model.addAttribute("r", report(from, to));
        return "admin/margins";
    }

    @GetMapping("/api/v1/admin/margins")
    @ResponseBody
    MarginsReport json(@RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        return report(from, to);
    }

    private MarginsReport report(String from, String to) {
        LocalDate end = day("to", to, LocalDate.now(clock.withZone(ZoneOffset.UTC)));
        LocalDate start = day("from", from, end.minusDays(29));
        if (end.isBefore(start)) {
            throw new InvalidFieldException("to", "must not be before from");
        }
        if (end.toEpochDay() - start.toEpochDay() >= Margins.MAX_DAYS) {
            throw new InvalidFieldException(
                    "from",
                    "must be less than " + Margins.MAX_DAYS + " days before to (at most " + Margins.MAX_DAYS
                            + " days at once)");
        }
        return margins.report(start, end);
    }

    static LocalDate day(String field, String value, LocalDate fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        LocalDate day;
        try {
            day = LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new InvalidFieldException(field, "must be a date like 2026-11-30");
        }
        // ISO dates parse up to the year 999999999, far beyond what PostgreSQL's timestamps (and
        // Instant, and the day after LocalDate.MAX) can hold: such a day failed as a 500
        if (day.getYear() < 1 || day.getYear() > 9999) {
            throw new InvalidFieldException(field, "must be a date like 2026-11-30, in the years 1 to 9999");
        }
        return day;
    }
}
