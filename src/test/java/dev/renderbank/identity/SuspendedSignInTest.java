package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.renderbank.support.IntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.authentication.configuration.AuthenticationConfiguration;

/**
 * A suspended account's sign-in checks the password first, as every other sign-in does: a wrong
 * password is refused as wrong (after its hash, so in the time an active or unknown address takes),
 * and the right one is refused after it (the page answers both alike). Spring's default refused a
 * suspended account before hashing anything, so its answer came in a fraction of the time and told
 * which addresses had a suspended account (review of the twenty-first session).
 */
class SuspendedSignInTest extends IntegrationTest {

    private static final String PASSWORD = "correct horse battery staple";

    @Autowired
    AuthenticationConfiguration authentication;

    @Autowired
    Users users;

    @Autowired
    UserAdministration administration;

    @Test
    void theSuspendedAccountsPasswordIsCheckedBeforeItsState() throws Exception {
        AuthenticationManager manager = authentication.getAuthenticationManager();
        String email = "suspended-" + UUID.randomUUID() + "@test.local";
        long id = users.create(email, PASSWORD, Role.USER, true).id();
        assertThat(administration.suspend(id)).isTrue();

        assertThatThrownBy(() -> manager.authenticate(
                        UsernamePasswordAuthenticationToken.unauthenticated(email, "not the password at all")))
                .as("a wrong password, whatever the account's state")
                .isInstanceOf(BadCredentialsException.class);
        assertThatThrownBy(() -> manager.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(
                        "nobody-" + UUID.randomUUID() + "@test.local", "not the password at all")))
                .as("an unknown address")
                .isInstanceOf(BadCredentialsException.class);
        assertThatThrownBy(() ->
                        manager.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(email, PASSWORD)))
                .as("the right password of a suspended account still signs nobody in")
                .isInstanceOf(DisabledException.class);
    }

    @Test
    void anActiveAccountStillSignsIn() throws Exception {
        String email = "active-" + UUID.randomUUID() + "@test.local";
        users.create(email, PASSWORD, Role.USER, true);
        assertThat(authentication
                        .getAuthenticationManager()
                        .authenticate(UsernamePasswordAuthenticationToken.unauthenticated(email, PASSWORD))
                        .isAuthenticated())
                .isTrue();
    }
}
