package dev.renderbank.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.LockWaits;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

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

    @Autowired
    DeletionStore deletions;

    @Autowired
    OperatorAlerts alerts;

    @Autowired
    TransactionTemplate tx;

    @Test
    void anAccountKeyedTheOldWayIsFoundUnderAnySpellingAfterTheRepair() {
        String id = UUID.randomUUID().toString();
        // inserted by a node of a release before the key: the trigger gives it the ASCII-folded one
        long old = oldNodeInsert("\u00C4pfel-" + id + "@test.local");
        assertThat(users.byEmail("\u00E4pfel-" + id + "@test.local")).isEmpty();

        EmailKeyRepair.Outcome outcome = repair.repair();
        assertThat(outcome.examined()).contains(old);
        assertThat(outcome.changed()).isGreaterThanOrEqualTo(1);
        assertThat(users.byEmail("\u00E4pfel-" + id + "@test.local"))
                .map(UserAccount::id)
                .contains(old);
        assertThat(users.byEmail("A\u0308PFEL-" + id + "@test.local"))
                .map(UserAccount::id)
                .contains(old);
    }

    @Test
    void aRepairReadsOnlyTheRowsThatNeedItAndASecondOneReadsAndRewritesNone() {
        String id = UUID.randomUUID().toString();
        // keyed by this release when it was created: nothing to repair, ever
        UserAccount keyed = users.create("\u00D6l-" + id + "@test.local", PASSWORD, Role.USER, true);
        // an old node changes an account's address without the key (trigger: ASCII folded only)
        UserAccount moved = users.create("birne-" + id + "@test.local", PASSWORD, Role.USER, true);
        jdbc.sql("update app_user set email = :e where id = :id")
                .param("e", "BIRNE-\u00DC-" + id + "@test.local")
                .param("id", moved.id())
                .update();
        assertThat(users.byEmail("birne-\u00FC-" + id + "@test.local")).isEmpty();

        EmailKeyRepair.Outcome first = repair.repair();
        assertThat(first.examined()).contains(moved.id()).doesNotContain(keyed.id());
        assertThat(users.byEmail("birne-\u00FC-" + id + "@test.local"))
                .map(UserAccount::id)
                .contains(moved.id());

        // the next start: neither row is read again, nor written
        long keyedVersion = rowVersion(keyed.id());
        long movedVersion = rowVersion(moved.id());
        EmailKeyRepair.Outcome second = repair.repair();
        assertThat(second.examined()).doesNotContain(keyed.id(), moved.id());
        assertThat(rowVersion(keyed.id())).isEqualTo(keyedVersion);
        assertThat(rowVersion(moved.id())).isEqualTo(movedVersion);
    }

    @Test
    void twoExistingAccountsOfOneAddressKeepDistinctKeysAndOperatorsAreToldOnce() {
        String id = UUID.randomUUID().toString();
        UserAccount first = users.create("\u00E4rger-" + id + "@test.local", PASSWORD, Role.USER, true);
        // as a C cluster's lower() let it in before: a second account, upper case outside ASCII
        long second = oldNodeInsert("\u00C4RGER-" + id + "@test.local");

        repair.repair();
        assertThat(users.byEmail("\u00C4rger-" + id + "@test.local"))
                .map(UserAccount::id)
                .contains(first.id());
        assertThat(sameAddressAlerts(first.id(), second)).isEqualTo(1);

        // two more starts (or nodes): the pair is tried again, the operators are not told again
        assertThat(repair.repair().examined()).contains(second);
        repair.repair();
        assertThat(sameAddressAlerts(first.id(), second)).isEqualTo(1);
        assertThat(users.byEmail("\u00C4rger-" + id + "@test.local"))
                .map(UserAccount::id)
                .contains(first.id());
    }

    @Test
    void twoNodesStartingAtOnceTellTheOperatorsOnce() throws Exception {
        String id = UUID.randomUUID().toString();
        UserAccount first = users.create("\u00F6fen-" + id + "@test.local", PASSWORD, Role.USER, true);
        long second = oldNodeInsert("\u00D6FEN-" + id + "@test.local");
        String onceKey = EmailKeyRepair.SAME_ADDRESS + ":" + first.id() + ":" + second;

        // one node has raised the alert and not committed yet; the other node's repair finds the pair
        CountDownLatch raised = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        AtomicLong backend = new AtomicLong();
        ExecutorService nodes = Executors.newFixedThreadPool(2);
        CompletableFuture<Boolean> one = CompletableFuture.supplyAsync(
                () -> tx.execute(status -> {
                    boolean told = alerts.raiseOnce(
                            EmailKeyRepair.SAME_ADDRESS,
                            onceKey,
                            "Accounts " + first.id() + " and " + second
                                    + " have two spellings of one email address (the first node)");
                    backend.set(LockWaits.backend(jdbc));
                    raised.countDown();
                    try {
                        commit.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return told;
                }),
                nodes);
        try {
            assertThat(raised.await(30, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<EmailKeyRepair.Outcome> other = CompletableFuture.supplyAsync(repair::repair, nodes);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> LockWaits.blockedBy(jdbc, backend.get()) || other.isDone());
            assertThat(other)
                    .as("the second raise waits for the first one's transaction")
                    .isNotDone();
            commit.countDown();
            assertThat(one.get(30, TimeUnit.SECONDS)).isTrue();
            assertThat(other.get(30, TimeUnit.SECONDS).examined()).contains(second);
        } finally {
            commit.countDown();
            nodes.shutdown();
        }
        assertThat(jdbc.sql("select count(*) from operator_alert where once_key = :k")
                        .param("k", onceKey)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(sameAddressAlerts(first.id(), second)).isEqualTo(1);
    }

    @Test
    void onceTheAccountHoldingTheAddressIsDeletedTheOtherGetsItAtTheNextRepair() {
        String id = UUID.randomUUID().toString();
        UserAccount first = users.create("\u00E9clair-" + id + "@test.local", PASSWORD, Role.USER, true);
        long second = oldNodeInsert("\u00C9CLAIR-" + id + "@test.local");
        repair.repair();
        assertThat(users.byEmail("\u00C9clair-" + id + "@test.local"))
                .map(UserAccount::id)
                .contains(first.id());

        // what the operator's advice leads to: its owner deletes the account sign-in reaches
        assertThat(deletions.anonymise(first.id(), clock.instant())).isEqualTo(1);
        repair.repair();
        assertThat(users.byEmail("\u00C9clair-" + id + "@test.local"))
                .map(UserAccount::id)
                .contains(second);
        assertThat(repair.repair().examined()).doesNotContain(second);
        assertThat(sameAddressAlerts(first.id(), second)).isEqualTo(1);
    }

    /**
     * A deleted account's key is no address's ({@code deleted:<id>}); a repair after the key's form
     * changes (its version below the current one) keeps it so, and does not give it back its
     * placeholder address's canonical form, which an account signed up with that very address (before
     * sign-up refused {@code .invalid}) may hold.
     */
    @Test
    void aRepairKeepsADeletedAccountsKeyNoAddresss() {
        UserAccount gone = users.create("leaving-" + UUID.randomUUID() + "@test.local", PASSWORD, Role.USER, true);
        assertThat(deletions.anonymise(gone.id(), clock.instant())).isEqualTo(1);
        long placeholder = oldNodeInsert("deleted-" + gone.id() + "@deleted.invalid");
        jdbc.sql("update app_user set email_key_version = email_key_version - 1 where id = :id")
                .param("id", gone.id())
                .update();

        repair.repair();

        assertThat(jdbc.sql("select email_key from app_user where id = :id")
                        .param("id", gone.id())
                        .query(String.class)
                        .single())
                .isEqualTo("deleted:" + gone.id());
        assertThat(sameAddressAlerts(placeholder, gone.id()) + sameAddressAlerts(gone.id(), placeholder))
                .as("no operator told of a clash that is none")
                .isZero();
    }

    private long oldNodeInsert(String email) {
        return jdbc.sql("""
                        insert into app_user (email, password_hash, role, email_verified)
                        values (:e, 'x', 'USER', true) returning id""").param("e", email).query(Long.class).single();
    }

    /** The row version's transaction id: it changes when the row is written. */
    private long rowVersion(long userId) {
        return jdbc.sql("select xmin::text::bigint from app_user where id = :id")
                .param("id", userId)
                .query(Long.class)
                .single();
    }

    private long sameAddressAlerts(long holder, long other) {
        return jdbc.sql("select count(*) from operator_alert where kind = 'accounts.same-address' and message like :m")
                .param("m", "Accounts " + holder + " and " + other + " %")
                .query(Long.class)
                .single();
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
