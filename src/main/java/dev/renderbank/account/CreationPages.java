package dev.renderbank.account;

import dev.renderbank.generation.Generations;
import dev.renderbank.generation.JobPage;
import dev.renderbank.generation.JobView;
import dev.renderbank.identity.CurrentUser;
import dev.renderbank.notify.Notifier;
import java.time.Clock;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/**
 * The caller's creations: the gallery ({@code /creations}, newest first, filtered by type and
 * status, in pages), and one creation's own page, the target of the "your generation is ready"
 * email: a link that never expires (unlike a presigned storage URL), showing the result to its
 * owner only (404 for anyone else, as the API does). Deleting a file and "try again" are API calls
 * made by static/js/creations.js.
 */
@Controller
class CreationPages {

    static final int PAGE = 24;
    static final List<String> TYPES = List.of("image", "video");
    static final List<String> STATUSES = List.of("queued", "processing", "completed", "failed");

    private final Generations generations;
    private final Notifier notifier;
    private final Clock clock;

    CreationPages(Generations generations, Notifier notifier, Clock clock) {
        this.generations = generations;
        this.notifier = notifier;
        this.clock = clock;
    }

    @GetMapping("/creations")
    String creations(
            @AuthenticationPrincipal CurrentUser user,
            @RequestParam(required = false) String type,
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String cursor,
            Model model) {
        // "All" sends the filter empty; any other value the page does not offer is a 400 naming it
        // (the listing refuses it, as for the API), not dropped: the list then looked filtered while
        // it was not
        String t = type == null || type.isBlank() ? null : type;
        String s = status == null || status.isBlank() ? null : status;
        // an edited cursor is answered 400 naming the field, as the API does
        JobPage page = generations.list(user.id(), t, s, cursor, PAGE);
        model.addAttribute("cards", CreationCard.of(page.items(), generations, user.id()));
        model.addAttribute("type", t == null ? "" : t);
        model.addAttribute("status", s == null ? "" : s);
        model.addAttribute("statuses", STATUSES);
        model.addAttribute("nextCursor", page.nextCursor());
        model.addAttribute("paged", cursor != null && !cursor.isBlank());
        model.addAttribute("now", clock.instant());
        return "creations";
    }

    @GetMapping("/creations/{taskId}")
    String creation(@AuthenticationPrincipal CurrentUser user, @PathVariable String taskId, Model model) {
        JobView job = generations
                .find(user.id(), taskId)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no such creation"));
        model.addAttribute("email", user.email());
        model.addAttribute("job", job);
        CreationCard card =
                CreationCard.of(List.of(job), generations, user.id()).get(0);
        model.addAttribute("card", card);
        model.addAttribute("status", card.status());
        model.addAttribute("now", clock.instant());
        // a running job's page promises an email only to a user who gets them
        model.addAttribute(
                "generationEmails",
                card.status().running() && notifier.settings(user.id()).generationEmails());
        return "creation";
    }
}
