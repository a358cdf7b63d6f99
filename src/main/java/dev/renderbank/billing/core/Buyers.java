package dev.renderbank.billing.core;

import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Finds who paid: the user id we put in the checkout's metadata, else the customer's email. */
@Component
public class Buyers {

    private final Users users;

    Buyers(Users users) {
        this.users = users;
    }

    /** Empty if the metadata names no user we know (then the email is not trusted over it). */
    public Optional<Long> find(String userIdFromMetadata, Long knownUserId, String email) {
        if (userIdFromMetadata != null) {
            try {
                return known(Long.parseLong(userIdFromMetadata.trim()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        if (knownUserId != null) {
            return Optional.of(knownUserId);
        }
        return email == null ? Optional.empty() : users.byEmail(email).map(UserAccount::id);
    }

    /** The user, if there is such an account (the user a checkout renderbank opened was opened for). */
    public Optional<Long> known(long userId) {
        return users.byId(userId).map(UserAccount::id);
    }
}
