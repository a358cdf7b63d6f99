package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A deleted account's row keeps a placeholder address, {@code deleted-<id>@deleted.invalid}. Sign-up
 * used to accept that very address, so anyone could sign up {@code deleted-N@deleted.invalid} and make
 * user N's deletion fail on the unique address key (a 500, rolled back, never deletable). Sign-up now
 * refuses the reserved {@code .invalid} domain (RFC 2606: no such address receives mail), and a
 * deletion's placeholder key is one no address has, so a row already holding the placeholder address
 * (signed up before this) cannot block it.
 */
class ReservedAddressTest extends IntegrationTest {

    static final String PASSWORD = "correct horse battery staple";

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Users users;

    @AfterEach
    void forgetLimits() {
        AccountsTestCleanup.clear(jdbc);
    }

    @Test
    void signUpRefusesTheReservedInvalidDomainWithAFormError() throws Exception {
        UserAccount victim = users.create(newEmail(), PASSWORD, Role.USER, true);
        String placeholder = "deleted-" + victim.id() + "@deleted.invalid";
        String fullwidthDot = placeholder.replace(".invalid", "\uFF0Einvalid");
        for (String address :
                new String[] {placeholder, placeholder.toUpperCase(), placeholder + ".", fullwidthDot, "me@invalid"}) {
            HttpResponse<String> r =
                    new FormClient(port).post("/signup", "/signup", "email", address, "password", PASSWORD);
            assertThat(r.statusCode()).as(address).isEqualTo(422);
            assertThat(r.body()).as(address).contains("can never receive email");
            assertThat(users.byEmail(address)).as(address).isEmpty();
        }

        FormClient owner = new FormClient(port);
        assertThat(owner.signIn(victim.email(), PASSWORD)).doesNotContain("/login");
        HttpResponse<String> deleted = owner.post("/account/delete", "/account/delete", "password", PASSWORD);
        assertThat(FormClient.location(deleted)).as(deleted.body()).endsWith("/login?deleted");
    }

    /**
     * An address whose domain has no dot ({@code a@b}, {@code me@localhost}) is delivered to by no mail
     * system on the internet: the verification email bounced and the account could never be verified.
     * Sign-up refuses it saying so, and so does creating an account another way (the CLI, demo
     * accounts): nothing is written. A domain with a dot is accepted as before.
     */
    @Test
    void signUpRefusesADomainWithoutADot() throws Exception {
        String local = "nodot-" + UUID.randomUUID();
        for (String address : new String[] {
            local + "@b", local + "@localhost", local + "@LOCALHOST.", local + "@mailhost..", local + "@.com"
        }) {
            HttpResponse<String> r =
                    new FormClient(port).post("/signup", "/signup", "email", address, "password", PASSWORD);
            assertThat(r.statusCode()).as(address).isEqualTo(422);
            assertThat(r.body()).as(address).contains("no mail can reach", "you@example.com");
            assertThat(users.byEmail(address)).as(address).isEmpty();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> users.create(address, PASSWORD, Role.USER, true))
                    .as(address)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(users.byEmail(address)).as(address).isEmpty();
        }
        HttpResponse<String> dotted = new FormClient(port)
                .post("/signup", "/signup", "email", local + "@mail.example.com", "password", PASSWORD);
        assertThat(dotted.statusCode()).as(dotted.body()).isEqualTo(200);
        assertThat(users.byEmail(local + "@mail.example.com")).isPresent();
    }

    @Test
    void aDeletionSucceedsWhenAnOlderRowHoldsItsPlaceholderAddress() throws Exception {
        UserAccount victim = users.create(newEmail(), PASSWORD, Role.USER, true);
        String placeholder = "deleted-" + victim.id() + "@deleted.invalid";
        // what a sign-up before this fix could write
        jdbc.sql("""
                        insert into app_user (email, email_key, email_key_version, password_hash, role)
                        values (:email, :email, 1, '{bcrypt}!', 'USER')""").param("email", placeholder).update();

        FormClient owner = new FormClient(port);
        assertThat(owner.signIn(victim.email(), PASSWORD)).doesNotContain("/login");
        HttpResponse<String> deleted = owner.post("/account/delete", "/account/delete", "password", PASSWORD);

        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(302);
        assertThat(FormClient.location(deleted)).endsWith("/login?deleted");
        UserAccount row = users.byId(victim.id()).orElseThrow();
        assertThat(row.email()).isEqualTo(placeholder);
        assertThat(new FormClient(port).signIn(victim.email(), PASSWORD)).contains("/login?error");
    }

    private static String newEmail() {
        return "reserved-" + UUID.randomUUID() + "@test.local";
    }
}
