package dev.renderbank.ops;

import dev.renderbank.billing.OperatorBilling;
import dev.renderbank.generation.Generations;
import dev.renderbank.generation.JobPage;
import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.UserAdministration;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.HistoryPage;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.platform.InvalidFieldException;
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

    /** The stored payment webhooks a dossier shows, newest first (the payments page filtered by the user has all). */
    public static final int PAYMENT_EVENTS = 20;

    /** The checkouts a dossier shows, newest first. */
    public static final int CHECKOUTS = 50;

    /** {@code query}: an email, or a user id (digits); the first page of jobs and entries. */
    public Optional<UserDossier> find(String query) {
        return find(query, DossierPage.FIRST);
    }

    /**
     * As {@link #find(String)}, with the page of jobs and ledger entries {@code page} names; a cursor
     * no page gave is refused naming it ({@code jobsCursor}, {@code historyCursor}).
     */
    public Optional<UserDossier> find(String query, DossierPage page) {
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
        return user.map(u -> dossier(u, page));
    }

    public Optional<UserDossier> byId(long id) {
        return byId(id, DossierPage.FIRST);
    }

    public Optional<UserDossier> byId(long id, DossierPage page) {
        return users.byId(id).map(u -> dossier(u, page));
    }

    private JobPage jobs(long userId, DossierPage page) {
        try {
            return generations.list(userId, null, null, page.jobsCursor(), page.jobsLimit());
        } catch (InvalidFieldException e) {
            String field = e.field().equals("cursor") ? "jobsCursor" : e.field();
            throw new InvalidFieldException(field, e.fieldMessage());
        }
    }

    private HistoryPage history(long userId, DossierPage page) {
        try {
            return ledger.history(userId, page.historyCursor(), page.historyLimit());
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("historyCursor", "is not one this page gave (historyNextCursor)");
        }
    }

    private UserDossier dossier(UserAccount u, DossierPage page) {
        JobPage jobs = jobs(u.id(), page);
        HistoryPage history = history(u.id(), page);
        return new UserDossier(
                u,
                accounts.active(u.id()),
                deletions.isDeleted(u.id()),
                ledger.balance(u.id()),
                ledger.openHolds(u.id()),
                history.items(),
                history.nextCursor(),
                jobs.items(),
                jobs.nextCursor(),
                billing.purchases(u.id()),
                billing.checkouts(u.id(), CHECKOUTS),
                billing.paymentEventsOf(u.id(), u.createdAt(), null, null, PAYMENT_EVENTS),
                accounts.tokens(u.id()),
                audit.list(null, null, UserActions.target(u.id()), null, 50));
    }
}
