package dev.renderbank.ops;

import dev.renderbank.billing.OperatorBilling;
import dev.renderbank.generation.Generations;
import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.UserAdministration;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.Ledger;
import java.util.Optional;
import org.springframework.stereotype.Service;

/** Finds a user by email or id and gathers their {@link UserDossier}. */
@Service
public class UserLookup {

    private final Users users;
    private final UserAdministration accounts;
    private final Ledger ledger;
    private final Generations generations;
    private final OperatorBilling billing;
    private final Audit audit;
    private final AccountDeletion deletions;

    UserLookup(
            Users users,
            UserAdministration accounts,
            Ledger ledger,
            Generations generations,
            OperatorBilling billing,
            Audit audit,
            AccountDeletion deletions) {
        this.deletions = deletions;
        this.users = users;
        this.accounts = accounts;
        this.ledger = ledger;
        this.generations = generations;
        this.billing = billing;
        this.audit = audit;
    }

    /** {@code query}: an email, or a user id (digits). */
    public Optional<UserDossier> find(String query) {
        if (query == null || query.isBlank()) {
            return Optional.empty();
        }
        String q = query.trim();
        if (q.isEmpty()) {
            // only control characters (trim() drops them, isBlank() does not): no id and no address
            return Optional.empty();
        }
        Optional<UserAccount> user = q.chars().allMatch(Character::isDigit) && q.length() < 19
                ? users.byId(Long.parseLong(q))
                : users.byEmail(q);
        return user.map(this::dossier);
    }

    public Optional<UserDossier> byId(long id) {
        return users.byId(id).map(this::dossier);
    }

    private UserDossier dossier(UserAccount u) {
        return new UserDossier(
                u,
                accounts.active(u.id()),
                deletions.isDeleted(u.id()),
                ledger.balance(u.id()),
                ledger.openHolds(u.id()),
                ledger.history(u.id(), null, 50).items(),
                generations.list(u.id(), null, null, 20).items(),
                billing.purchases(u.id()),
                accounts.tokens(u.id()),
                audit.list(null, null, UserActions.target(u.id()), null, 50));
    }
}
