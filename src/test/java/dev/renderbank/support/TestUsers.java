package dev.renderbank.support;

import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Creates users with credits and an API token for tests. */
@Component
public class TestUsers {

    private final Users users;
    private final Ledger ledger;

    public TestUsers(Users users, Ledger ledger) {
        this.users = users;
        this.ledger = ledger;
    }

    public record TestUser(long id, String email, String token) {}

    public TestUser create(long credits) {
        String email = "u-" + UUID.randomUUID() + "@test.local";
        UserAccount u = users.create(email, "correct horse battery staple", Role.USER, true);
        if (credits > 0) {
            ledger.grant(u.id(), credits, GrantSource.ADMIN, "test-grant:" + u.id(), null, "test");
        }
        return new TestUser(u.id(), email, users.issueToken(u.id(), "test"));
    }
}
