package dev.renderbank.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.support.IntegrationTest;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Accounts created before the canonical key (the migration could fold only ASCII in SQL), or by a
 * node of the previous release, get their canonical key at start and are found under any spelling
 * again; two existing accounts that turn out to be one address keep distinct keys and operators are
 * told. The canonical form itself does not depend on the JVM's default locale.
 */
class EmailKeyRepairTest extends IntegrationTest {

    static final String PASSWORD = "correct horse battery staple";

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Users users;

    @Autowired
    EmailKeyRepair repair;

    @Test
    void anAccountKeyedTheOldWayIsFoundUnderAnySpellingAfterTheRepair() {
        String id = UUID.randomUUID().toString();
        UserAccount u = users.create("\u00C4pfel-" + id + "@test.local", PASSWORD, Role.USER, true);
        // what the migration (or an old node, through the trigger) gave it: ASCII folded only
        jdbc.sql("update app_user set email_key = lower(email collate \"C\") where id = :id")
                .param("id", u.id())
                .update();
        assertThat(users.byEmail("\u00E4pfel-" + id + "@test.local")).isEmpty();

        assertThat(repair.repair()).isGreaterThanOrEqualTo(1);
        assertThat(users.byEmail("\u00E4pfel-" + id + "@test.local"))
                .map(UserAccount::id)
                .contains(u.id());
        assertThat(users.byEmail("A\u0308PFEL-" + id + "@test.local"))
                .map(UserAccount::id)
                .contains(u.id());
    }

    @Test
    void twoExistingAccountsOfOneAddressKeepDistinctKeysAndOperatorsAreTold() {
        String id = UUID.randomUUID().toString();
        UserAccount first = users.create("\u00E4rger-" + id + "@test.local", PASSWORD, Role.USER, true);
        // as a C cluster's lower() let it in before: a second account, upper case outside ASCII
        long second = jdbc.sql("""
                        insert into app_user (email, password_hash, role, email_verified)
                        values (:e, 'x', 'USER', true) returning id""")
                .param("e", "\u00C4RGER-" + id + "@test.local")
                .query(Long.class)
                .single();

        repair.repair();
        assertThat(users.byEmail("\u00C4rger-" + id + "@test.local"))
                .map(UserAccount::id)
                .contains(first.id());
        assertThat(jdbc.sql(
                                "select count(*) from operator_alert where kind = 'accounts.same-address' and message like :m")
                        .param("m", "Accounts " + first.id() + " and " + second + " %")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void theCanonicalFormIsTheSameWhateverTheDefaultLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            assertThat(EmailKeys.of(" INFO@Example.COM ")).isEqualTo("info@example.com");
            assertThat(EmailKeys.of("\u0130nfo@example.com")).isEqualTo("info@example.com");
            assertThat(EmailKeys.of("\u212Aate@example.com")).isEqualTo("kate@example.com");
            assertThat(EmailKeys.of("A\u0308pfel@example.com")).isEqualTo(EmailKeys.of("\u00E4pfel@example.com"));
            assertThat(EmailKeys.of("\u03A3\u0391\u03A3@example.com"))
                    .isEqualTo(EmailKeys.of("\u03C3\u03B1\u03C2@example.com"));
            assertThat(EmailKeys.of("stra\u1E9Ee@example.com")).isEqualTo("stra\u00DFe@example.com");
            assertThat(EmailKeys.of("a\u0000\uD800@x")).isEqualTo("a\u0000\uD800@x"); // any text passes through
        } finally {
            Locale.setDefault(before);
        }
    }
}
