package dev.renderbank.account;

import dev.renderbank.generation.Generations;
import dev.renderbank.generation.JobView;
import dev.renderbank.identity.CurrentUser;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.server.ResponseStatusException;

/**
 * One creation's own page, the target of the "your generation is ready" email: a link that never
 * expires (unlike a presigned storage URL), showing the result to its owner only (404 for anyone
 * else, as the API does).
 */
@Controller
class CreationPages {

    private final Generations generations;

    CreationPages(Generations generations) {
        this.generations = generations;
    }

    @GetMapping("/creations/{taskId}")
    String creation(@AuthenticationPrincipal CurrentUser user, @PathVariable String taskId, Model model) {
        JobView job = generations
                .find(user.id(), taskId)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no such creation"));
        model.addAttribute("email", user.email());
        model.addAttribute("job", job);
        model.addAttribute("status", CreationStatus.of(job));
        model.addAttribute("started", CreationStatus.when(job.createdAt()));
        model.addAttribute("finished", CreationStatus.when(job.completedAt()));
        return "creation";
    }
}
