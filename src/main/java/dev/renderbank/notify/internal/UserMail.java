package dev.renderbank.notify.internal;

import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.UserTimes;
import dev.renderbank.identity.Users;
import dev.renderbank.notify.Notifier;
import dev.renderbank.notify.Queued;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Addresses one of {@link Notifier}'s emails to a user by id: their address, and the zone the times
 * it names are written in, as they are now; then queued by {@link Mailer#queue}.
 */
@Component
public class UserMail {

    /** The facade's category, as when this was part of it: what operators filter on stays the same. */
    private static final Logger log = LoggerFactory.getLogger(Notifier.class);

    private final Users users;
    private final Mailer mailer;

    UserMail(Users users, Mailer mailer) {
        this.users = users;
        this.mailer = mailer;
    }

    /** Nothing for a user who does not exist (logged) or whose account was deleted. */
    public Queued queue(long userId, String cause, String template, Map<String, Object> vars) {
        return queue(userId, cause, template, vars, null);
    }

    /** As {@link #queue(long, String, String, Map)}; not sent from {@code sendBy} on (null: no limit). */
    public Queued queue(long userId, String cause, String template, Map<String, Object> vars, Instant sendBy) {
        Optional<UserAccount> user = users.byId(userId);
        if (user.isEmpty()) {
            log.warn("no user {}: {} email for {} not queued", userId, template, cause);
            return Queued.NO_RECIPIENT;
        }
        vars.put("email", user.get().email());
        // a time an email names is written in the recipient's zone, as their pages write it
        vars.put("times", UserTimes.in(user.get().timeZone()));
        return mailer.queue(cause, template, user.get().email(), userId, vars, sendBy);
    }
}
