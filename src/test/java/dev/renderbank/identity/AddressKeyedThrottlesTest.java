package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The rows that count sign-ins, sign-ups, resends and password resets per address are kept for up
 * to a week (a known browser half a year), past the account's deletion, after which only a keyed
 * hash of the address may be kept (README). So they are keyed under the server's secret: a plain
 * SHA-256 of the address is found again by hashing a list of addresses. A deletion removes the
 * account's sign-in count and known browsers, and every row a node of the previous release wrote
 * under the plain digest during an upgrade.
 */
class AddressKeyedThrottlesTest extends IntegrationTest {

    static final String PASSWORD = "correct horse battery staple";

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Users users;

    @Autowired
    AccountDeletion deletion;

    @BeforeEach
    @AfterEach
    void forgetCounts() {
        AccountsTestCleanup.clear(jdbc);
    }

    @Test
    void theCountsOfAnAddressAreKeptUnderNoDigestAListOfAddressesFinds() throws Exception {
        String email = "keyed-" + UUID.randomUUID() + "@test.local";
        users.create(email, PASSWORD, Role.USER, true);
        FormClient browser = new FormClient(port);
        assertThat(browser.signIn(email, PASSWORD)).doesNotContain("/login"); // a known browser
        FormClient other = new FormClient(port);
        assertThat(other.signIn(email, "not the password")).endsWith("/login?error");
        other.post("/signup", "/signup", "email", email, "password", "another long passphrase 7");
        other.post("/signup", "/signup/resend", "email", email);
        other.post("/password/forgot", "/password/forgot", "email", email);

        assertThat(buckets())
                .as("one count per form, keyed by something 64 hex digits long")
                .hasSize(3)
                .allMatch(b -> b.matches("(signup|resend|forgot):address:[0-9a-f]{64}"));
        assertThat(count("select count(*) from login_throttle_account"))
                .as("the failed sign-in's count")
                .isOne();
        for (String spelling : List.of(email, email.toUpperCase(Locale.ROOT), " " + email)) {
            assertThat(allKeys())
                    .as("keys derived from %s without a secret", spelling)
                    .noneMatch(key -> key.contains(plainDigest(spelling)) || key.contains(email));
        }
    }

    @Test
    void aDeletionLeavesNoRowTheAddressIsFoundBy() throws Exception {
        String email = "deleted-keyed-" + UUID.randomUUID() + "@test.local";
        long id = users.create(email, PASSWORD, Role.USER, true).id();
        assertThat(new FormClient(port).signIn(email, PASSWORD)).doesNotContain("/login");
        FormClient other = new FormClient(port);
        assertThat(other.signIn(email, "not the password")).endsWith("/login?error");
        other.post("/password/forgot", "/password/forgot", "email", email);
        // what a node of the previous release writes during the upgrade: the plain digest
        String plain = plainDigest(email);
        jdbc.sql("insert into request_limit (bucket, window_start, hits) values (:b, now(), 1)"
                        + " on conflict do nothing")
                .param("b", "resend:address:" + plain)
                .update();
        jdbc.sql("insert into login_throttle_account (email, failures, last_failure_at) values (:e, 1, now())"
                        + " on conflict do nothing")
                .param("e", plain)
                .update();
        jdbc.sql("insert into login_device (token_hash, account, failures, last_used_at) values (:h, :a, 0, now())")
                .param("h", "old-node-" + UUID.randomUUID())
                .param("a", plain)
                .update();

        assertThat(deletion.delete(id, PASSWORD)).isInstanceOf(DeletionOutcome.Deleted.class);

        assertThat(allKeys()).as("rows found by the address's plain SHA-256").noneMatch(key -> key.contains(plain));
        assertThat(count("select count(*) from login_throttle_account"))
                .as("the account's sign-in count, under either key")
                .isZero();
        assertThat(buckets())
                .as("the keyed reset count still holds the address's allowance")
                .singleElement()
                .satisfies(b -> assertThat(b).startsWith("forgot:address:").doesNotContain(plain));
    }

    /** Every request-limit bucket that counts an address. */
    private List<String> buckets() {
        return jdbc.sql("select bucket from request_limit where bucket like '%:address:%'")
                .query(String.class)
                .list();
    }

    /** Every key of every row that counts or knows an address (the test cleared the counts before). */
    private List<String> allKeys() {
        return jdbc.sql("""
                        select bucket from request_limit
                        union all select email from login_throttle_account
                        union all select account from login_device""").query(String.class).list();
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    /** The previous release's key: hex SHA-256 of the address as sign-in reads it (trimmed, lower case). */
    private static String plainDigest(String spelling) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(spelling.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
