package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.internal.RequestLimitProperties;
import dev.renderbank.support.IntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The request limits of the forms that send email protect the mailboxes, not the attacker: a client
 * refused for its own volume uses up nobody's allowance. Before, every refused request still counted
 * against the address it named, so one client could send five requests an hour per victim and keep
 * any number of owners from getting a reset link (review of the twenty-first session).
 */
class RequestLimitsPerClientTest extends IntegrationTest {

    private static final String ATTACKER = "203.0.113.7";
    private static final String OWNER = "198.51.100.9";

    @Autowired
    Passwords passwords;

    @Autowired
    Users users;

    @Autowired
    RequestLimitProperties props;

    @Autowired
    JdbcClient jdbc;

    @AfterEach
    void forgetLimits() {
        AccountsTestCleanup.clear(jdbc);
    }

    @Test
    void aClientOverItsLimitCannotUseUpAnOwnersResetRequests() {
        String victim = "victim-" + UUID.randomUUID() + "@test.local";
        users.create(victim, "correct horse battery staple", Role.USER, true);

        // the attacker's whole allowance spent on other addresses, then as many requests as it likes for the victim's
        for (int i = 0; i < props.perClient(); i++) {
            assertThat(passwords.requestReset("other-" + i + "-" + UUID.randomUUID() + "@test.local", ATTACKER))
                    .isTrue();
        }
        for (int i = 0; i < props.perAddress() * 2; i++) {
            assertThat(passwords.requestReset(victim, ATTACKER))
                    .as("attacker's request %d", i)
                    .isFalse();
        }
        assertThat(MailedLinks.count(jdbc, "password-reset", victim)).isZero();

        // the owner, from their own network, still gets their link
        assertThat(passwords.requestReset(victim, OWNER)).isTrue();
        assertThat(MailedLinks.await(jdbc, "password-reset", victim, 1)).startsWith("/password/reset?token=");
    }

    @Test
    void anAddressStillHasItsOwnLimitAcrossClients() {
        String victim = "victim-" + UUID.randomUUID() + "@test.local";
        for (int i = 0; i < props.perAddress(); i++) {
            assertThat(passwords.requestReset(victim, "192.0.2." + i)).isTrue();
        }
        assertThat(passwords.requestReset(victim, OWNER)).isFalse();
    }

    /**
     * The limit protects a mailbox, and one mailbox has many spellings: {@code v+1@host} and {@code
     * v+2@host} are delivered to {@code v@host}, as Gmail ignores dots. Counted per spelling, one
     * client could send five mails an hour per alias (an unbounded number) into one inbox.
     */
    @Test
    void aMailboxHasOneLimitWhateverAliasOrGmailDotsNameIt() {
        String local = "victim" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        for (int i = 0; i < props.perAddress(); i++) {
            assertThat(passwords.requestReset(local + "+" + i + "@test.local", "192.0.2." + i))
                    .isTrue();
        }
        assertThat(passwords.requestReset(local + "+other@test.local", OWNER))
                .as("a sixth alias of the same mailbox")
                .isFalse();
        assertThat(passwords.requestReset(local + "@test.local", OWNER)).isFalse();

        String gmail = local.substring(0, 3) + "." + local.substring(3) + "@gmail.com";
        for (int i = 0; i < props.perAddress(); i++) {
            assertThat(passwords.requestReset(gmail, "192.0.2." + (10 + i))).isTrue();
        }
        assertThat(passwords.requestReset(local + "+x@googlemail.com", OWNER))
                .as("Gmail delivers it to the same inbox")
                .isFalse();
    }
}
