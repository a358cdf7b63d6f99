package dev.renderbank.ops.web;

import static dev.renderbank.ops.web.ActionAnswers.answer;
import static dev.renderbank.ops.web.ActionAnswers.key;
import static dev.renderbank.ops.web.ActionAnswers.reason;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.renderbank.identity.CurrentUser;
import dev.renderbank.ops.UserActions;
import dev.renderbank.ops.UserDossier;
import dev.renderbank.ops.UserLookup;
import dev.renderbank.platform.InvalidFieldException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/admin/users}: look a user up, and the audited repairs (ADMIN only, by the API chain). */
@RestController
class AdminUsersApi {

    private final UserLookup lookup;
    private final UserActions actions;

    AdminUsersApi(UserLookup lookup, UserActions actions) {
        this.lookup = lookup;
        this.actions = actions;
    }

    /** {@code notify} in JSON: email the user (a record component cannot be named notify). */
    record GrantBody(
            Long amount,
            String reason,
            @JsonProperty("notify") Boolean emailUser) {}

    record ReasonBody(String reason) {}

    @GetMapping("/api/v1/admin/users")
    ResponseEntity<?> find(@RequestParam(required = false) String email, @RequestParam(required = false) Long id) {
        if ((email == null || email.isBlank()) && id == null) {
            throw new InvalidFieldException("email", "give ?email= (or ?id=)");
        }
        return (id != null ? lookup.byId(id) : lookup.find(email))
                .<ResponseEntity<?>>map(d -> ResponseEntity.ok(view(d)))
                .orElseGet(() -> ActionAnswers.problem(
                        HttpStatus.NOT_FOUND, "not-found", "Not found", "No user " + (id != null ? id : email)));
    }

    @PostMapping("/api/v1/admin/users/{id}/grants")
    ResponseEntity<?> grant(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable long id,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestBody GrantBody body) {
        String key = key(idempotencyKey, true);
        if (body.amount() == null || body.amount() < 1) {
            throw new InvalidFieldException("amount", "must be a positive number of credits");
        }
        return answer(
                actions.grant(
                        admin.email(),
                        id,
                        body.amount(),
                        reason(body.reason()),
                        Boolean.TRUE.equals(body.emailUser()),
                        key),
                true);
    }

    @PostMapping("/api/v1/admin/users/{id}/waive-debt")
    ResponseEntity<?> waiveDebt(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable long id,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestBody ReasonBody body) {
        return answer(actions.waiveDebt(admin.email(), id, reason(body.reason()), key(idempotencyKey, false)), false);
    }

    @PostMapping("/api/v1/admin/users/{id}/suspend")
    ResponseEntity<?> suspend(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable long id,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestBody ReasonBody body) {
        if (admin.id() == id) {
            throw new InvalidFieldException("id", "an operator cannot suspend their own account");
        }
        return answer(actions.suspend(admin.email(), id, reason(body.reason()), key(idempotencyKey, false)), false);
    }

    @PostMapping("/api/v1/admin/users/{id}/reinstate")
    ResponseEntity<?> reinstate(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable long id,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestBody ReasonBody body) {
        return answer(actions.reinstate(admin.email(), id, reason(body.reason()), key(idempotencyKey, false)), false);
    }

    @PostMapping("/api/v1/admin/users/{id}/revoke-tokens")
    ResponseEntity<?> revokeTokens(
            @AuthenticationPrincipal CurrentUser admin,
            @PathVariable long id,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestBody ReasonBody body) {
        return answer(
                actions.revokeTokens(admin.email(), id, reason(body.reason()), key(idempotencyKey, false)), false);
    }

    private static java.util.Map<String, Object> view(UserDossier d) {
        var m = new java.util.LinkedHashMap<String, Object>();
        m.put("id", d.user().id());
        m.put("email", d.user().email());
        m.put("role", d.user().role().name());
        m.put("active", d.active());
        m.put("balance", d.credits().balance());
        m.put("held", d.credits().held());
        m.put("available", d.available());
        m.put("debt", d.credits().debt());
        m.put("openHolds", d.openHolds());
        m.put("history", d.history());
        m.put("jobs", d.jobs());
        m.put("purchases", d.purchases());
        m.put("tokens", d.tokens());
        m.put(
                "actions",
                d.actions().stream().map(a -> ActionAnswers.json(a, false)).toList());
        return m;
    }
}
