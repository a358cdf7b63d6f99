package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.internal.EmailTokenStore;
import dev.renderbank.identity.internal.EmailTokenStore.Purpose;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.LockWaits;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The owner opens the verification link while the account is being deleted (a deletion a moment
 * after signing up, the mail read late in another tab). The deletion locks the account's row and then
 * uses up every open link (AccountDeletion.delete); opening the link must take them in the same order,
 * or the two deadlock and PostgreSQL aborts one with an error: the verification used to take its link's
 * row first and then write the account's row. Whichever goes first wins: a deletion that went first
 * has used the link up, so nothing is verified on the closed account.
 */
class VerificationDuringDeletionTest extends IntegrationTest {

    static final String PASSWORD = "correct horse battery staple";

    @Autowired
    Users users;

    @Autowired
    Accounts accounts;

    @Autowired
    EmailTokenStore links;

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aVerificationWhileADeletionHoldsTheAccountWaitsAndVerifiesIfTheDeletionIsUndone() throws Exception {
        long user = users.create(newEmail(), PASSWORD, Role.USER, false).id();
        String token = link(user);

        CompletableFuture<Accounts.VerifyResult> verified = whileDeletionUnderWay(user, token, false);

        assertThat(verified.get(30, TimeUnit.SECONDS)).isEqualTo(new Accounts.VerifyResult.Verified(user, true));
        assertThat(users.byId(user).orElseThrow().emailVerified()).isTrue();
    }

    @Test
    void aVerificationWhileADeletionHoldsTheAccountFindsTheLinkUsedUpOnceItCommits() throws Exception {
        long user = users.create(newEmail(), PASSWORD, Role.USER, false).id();
        String token = link(user);

        CompletableFuture<Accounts.VerifyResult> verified = whileDeletionUnderWay(user, token, true);

        assertThat(verified.get(30, TimeUnit.SECONDS)).isInstanceOf(Accounts.VerifyResult.AlreadyUsed.class);
        assertThat(jdbc.sql("select email_verified from app_user where id = :id")
                        .param("id", user)
                        .query(Boolean.class)
                        .single())
                .isFalse();
    }

    /**
     * Opens the link while a deletion's first lock is held; once the verification waits for it, takes
     * the deletion's next step (its links used up) and commits or rolls back.
     */
    private CompletableFuture<Accounts.VerifyResult> whileDeletionUnderWay(long user, String token, boolean commit)
            throws Exception {
        CompletableFuture<Accounts.VerifyResult> verified;
        try (Connection deletion = dataSource.getConnection();
                Statement st = deletion.createStatement()) {
            deletion.setAutoCommit(false);
            st.execute("set local lock_timeout = '10s'");
            // the deletion's first lock (DeletionStore.lock)
            st.execute("select id from app_user where id = " + user + " for update");
            long backend = LockWaits.backend(deletion);
            verified = CompletableFuture.supplyAsync(() -> accounts.verifyEmail(token));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> LockWaits.blockedBy(jdbc, backend) || verified.isDone());
            if (commit) {
                // DeletionStore.anonymise
                st.execute("update app_user set email = 'deleted-' || id || '@deleted.invalid', enabled = false,"
                        + " password_hash = '{bcrypt}!', deleted_at = now() where id = " + user);
            }
            // the deletion's next lock: every open link used up (EmailTokenStore.useAll)
            try (PreparedStatement useAll = deletion.prepareStatement(
                    "update email_token set used_at = now() where user_id = ? and used_at is null")) {
                useAll.setLong(1, user);
                useAll.executeUpdate();
            }
            if (commit) {
                deletion.commit();
            } else {
                deletion.rollback();
            }
        }
        return verified;
    }

    private String link(long user) {
        String token = Users.newSecret();
        var now = clock.instant();
        links.insert(user, Purpose.VERIFY, token, now, now.plus(Duration.ofHours(1)));
        return token;
    }

    private static String newEmail() {
        return "v-" + UUID.randomUUID() + "@test.local";
    }
}
