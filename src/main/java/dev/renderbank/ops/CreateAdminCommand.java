package dev.renderbank.ops;

import dev.renderbank.identity.Passwords;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.ops.internal.AuditedActions;
import dev.renderbank.ops.internal.AuditedActions.Request;
import dev.renderbank.ops.internal.AuditedActions.Step;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * {@code users create-admin <email>}: a new ADMIN account, recorded in the audit trail with the
 * account in one transaction (the most privileged operator action must show on /admin/audit like
 * every other): actor {@code --actor}, else "cli"; target the new account.
 *
 * <p>The account is created only if no account of the address exists, checked and created under one
 * lock held to the commit: two runs at once (or a sign-up of the address at the same moment) used to
 * both pass the check, and {@link Users#create} answered the second with the existing account, so
 * both printed "created admin … with one-time password P" while only one P was real, and the second
 * marked the account as needing a password change and recorded ADMIN in the audit trail for it. Now
 * the second says the user exists already and changes nothing.
 */
@Component
class CreateAdminCommand {

    static final String CREATE_ADMIN = "create-admin";

    /** The transaction-scoped advisory lock every create-admin takes (one at a time; a rare command). */
    private static final long LOCK = 0x72622d61646d696eL; // "rb-admin"

    private final Users users;
    private final Passwords passwords;
    private final AuditedActions actions;
    private final JdbcClient jdbc;

    CreateAdminCommand(Users users, Passwords passwords, AuditedActions actions, JdbcClient jdbc) {
        this.users = users;
        this.passwords = passwords;
        this.actions = actions;
        this.jdbc = jdbc;
    }

    int run(List<String> words, Map<String, String> options, PrintStream out) {
        if (words.size() != 3) {
            return CommandAnswers.usage(out, "users create-admin takes one email");
        }
        String email = words.get(2);
        if (users.byEmail(email).isPresent()) {
            return exists(email, out);
        }
        String password = Users.newSecret().substring(3, 23);
        Request request = new Request(
                options.getOrDefault("actor", "cli"),
                CREATE_ADMIN,
                "email:" + email,
                options.getOrDefault("reason", "an administrator created from the command line"),
                null,
                "cli:create-admin:" + UUID.randomUUID());
        ActionResult result = actions.run(request, () -> {
            jdbc.sql("select 1 from pg_advisory_xact_lock(:lock)")
                    .param("lock", LOCK)
                    .query(Integer.class)
                    .single();
            // a statement after the lock: sees an account another run committed while this one waited
            if (users.byEmail(email).isPresent()) {
                return new Step.Refuse(exists());
            }
            UserAccount admin = users.create(email, password, Role.ADMIN, true);
            if (admin.role() != Role.ADMIN) {
                return new Step.Refuse(exists()); // a sign-up of the address got in first
            }
            passwords.requireChange(admin.id()); // printed to a console: replaced at the first sign-in
            Map<String, Object> after = new LinkedHashMap<>();
            after.put("user", admin.id());
            after.put("role", Role.ADMIN.name());
            return new Step.Applied(Map.of(), after);
        });
        if (result instanceof ActionResult.Refused refused && refused.code().equals("exists")) {
            return exists(email, out);
        }
        if (!(result instanceof ActionResult.Done)) {
            out.println(CommandAnswers.describe(result));
            return OpsCommands.FINDING;
        }
        out.println("created admin " + email + " with one-time password " + password
                + " (to be changed at the first sign-in)");
        return OpsCommands.OK;
    }

    private static ActionResult exists() {
        return new ActionResult.Refused("exists", "the user exists already");
    }

    private static int exists(String email, PrintStream out) {
        out.println("a user " + email + " exists already; nothing changed");
        return OpsCommands.FINDING;
    }
}
