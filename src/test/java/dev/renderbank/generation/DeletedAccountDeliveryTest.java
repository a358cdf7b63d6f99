package dev.renderbank.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import dev.renderbank.generation.internal.FinisherTestSupport;
import dev.renderbank.generation.internal.Job;
import dev.renderbank.generation.internal.JobFinisher;
import dev.renderbank.identity.AccountDeleted;
import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.DeletionOutcome;
import dev.renderbank.platform.DurableEventHandler;
import dev.renderbank.storage.AssetStore;
import dev.renderbank.support.Api;
import dev.renderbank.support.Concurrently;
import dev.renderbank.support.HeldTransaction;
import dev.renderbank.support.LockWaits;
import dev.renderbank.support.TestUsers.TestUser;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A job still at the provider when its owner deletes the account is failed by the deletion (the
 * provider cannot cancel), and its result normally arrives minutes later. The deletion promised the
 * account's files gone: that result must not be fetched, stored or attached to the job.
 */
class DeletedAccountDeliveryTest extends StubbedKieTest {

    @Autowired
    AccountDeletion deletion;

    @Autowired
    List<DurableEventHandler<?>> handlers;

    @Autowired
    JobFinisher finisher;

    @Autowired
    AssetStore assets;

    @org.springframework.beans.factory.annotation.Value("${renderbank.data-dir}")
    String dataDir;

    @Autowired
    @org.springframework.beans.factory.annotation.Qualifier("generationDiscardedOutputTask")
    OneTimeTask<String> discardedOutputTask;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    Generations generations;

    @Test
    void aResultArrivingAfterTheAccountWasDeletedIsNeitherFetchedNorStored() {
        TestUser u = users.create(100);
        String prompt = "finished after its owner left";
        createTaskAnswers(prompt, 200, "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-left\"}}");
        String id = accept(u, prompt);
        driver.step(id);
        assertThat(job(id).state()).isEqualTo(JobState.SUBMITTED);

        assertThat(deletion.delete(u.id(), "correct horse battery staple")).isInstanceOf(DeletionOutcome.Deleted.class);
        accountDeletedHandler().handle(new AccountDeleted(u.id()));
        assertThat(job(id).state()).isEqualTo(JobState.FAILED);

        KIE.stubFor(get("/files/left.png")
                .willReturn(aResponse().withHeader("Content-Type", "image/png").withBody(new byte[] {1, 2, 3})));
        String result = "{\\\"resultUrls\\\":[\\\"" + KIE.baseUrl() + "/files/left.png\\\"]}";
        KIE.stubFor(get(urlPathEqualTo("/api/v1/jobs/recordInfo"))
                .withQueryParam("taskId", equalTo("t-left"))
                .willReturn(okJson("{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-left\","
                        + "\"state\":\"success\",\"resultJson\":\"" + result + "\"}}")));
        Job job = job(id);
        Api.Response callback = api.post(
                "/api/provider/kie/callback/" + id + "?token=" + job.callbackToken(),
                null,
                "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-left\",\"state\":\"success\"}}");

        assertThat(callback.status()).as(callback.body()).isEqualTo(200);
        // answered first: what its check would download, it has done once this ends
        awaitCallbackChecked(id);
        assertThat(KIE.countRequestsMatching(getRequestedFor(urlPathEqualTo("/files/left.png"))
                                .build())
                        .getCount())
                .as("the deleted account's result is not downloaded")
                .isZero();
        assertThat(jdbc.sql("select count(*) from generation_asset where user_id = :u")
                        .param("u", u.id())
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(job(id).assetId()).isNull();
        assertThat(job(id).state()).isEqualTo(JobState.FAILED);
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    /**
     * A node stored a job's result and was killed before recording it (no asset row names the file),
     * then the owner deleted the account before the job's task was revived: the deletion removes the
     * account's files, including that one, which no record names.
     */
    @Test
    void aResultStoredByAKilledNodeAndNeverRecordedIsDeletedWithTheAccount() throws Exception {
        TestUser u = users.create(100);
        String prompt = "stored, then the node was killed";
        createTaskAnswers(prompt, 200, "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-killed\"}}");
        String id = accept(u, prompt);
        driver.step(id);
        String key = "jobs/" + u.id() + "/" + id + ".png";
        assets.put(key, new ByteArrayInputStream(new byte[] {1, 2, 3}), "image/png"); // then kill -9
        String other = "jobs/" + u.id() + "0/" + id + ".png"; // another user's folder that starts alike
        assets.put(other, new ByteArrayInputStream(new byte[] {4, 5, 6}), "image/png");

        assertThat(deletion.delete(u.id(), "correct horse battery staple")).isInstanceOf(DeletionOutcome.Deleted.class);
        accountDeletedHandler().handle(new AccountDeleted(u.id()));

        assertThat(assets.open(key))
                .as("the unrecorded result of the deleted account")
                .isEmpty();
        try (var kept = assets.open(other).orElseThrow()) {
            assertThat(kept.size()).as("another user's file stays").isEqualTo(3);
        }
        assets.delete(other);
    }

    /** The same, when the deletion lands while the result is being copied (after the check before it). */
    @Test
    void aResultCopiedWhileTheAccountWasDeletedIsDiscardedWithItsFile() throws Exception {
        TestUser u = users.create(100);
        String prompt = "copied while its owner left";
        createTaskAnswers(prompt, 200, "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-copied\"}}");
        String id = accept(u, prompt);
        driver.step(id);
        String key = "jobs/" + u.id() + "/" + id + ".png";
        assets.put(key, new ByteArrayInputStream(new byte[] {1, 2, 3, 4}), "image/png");

        assertThat(deletion.delete(u.id(), "correct horse battery staple")).isInstanceOf(DeletionOutcome.Deleted.class);
        accountDeletedHandler().handle(new AccountDeleted(u.id()));

        assertThat(FinisherTestSupport.deliver(finisher, job(id), key)).isEqualTo("DISCARDED");
        assertThat(jdbc.sql("select count(*) from generation_asset where user_id = :u")
                        .param("u", u.id())
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(job(id).assetId()).isNull();
        assertThat(assets.open(key)).as("the copied file is deleted").isEmpty();
    }

    /**
     * The same, when the storage fails the discarded copy's delete for a while: the file is deleted
     * later by a durable task, tried again, never left for good (no row names it any more).
     */
    @Test
    void aDiscardedCopyWhoseDeleteFailsIsDeletedLater() throws Exception {
        TestUser u = users.create(100);
        String prompt = "copied while its owner left, storage failing";
        createTaskAnswers(prompt, 200, "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-copied-stuck\"}}");
        String id = accept(u, prompt);
        driver.step(id);
        String key = "jobs/" + u.id() + "/" + id + ".png";

        assertThat(deletion.delete(u.id(), "correct horse battery staple")).isInstanceOf(DeletionOutcome.Deleted.class);
        accountDeletedHandler().handle(new AccountDeleted(u.id()));
        // the copy lands after the deletion's clean-up, where the storage cannot delete it for now:
        // a folder with something in it
        Path copy = Path.of(dataDir).resolve("assets").resolve(key);
        Files.createDirectories(copy);
        Files.write(copy.resolve("pinned"), new byte[] {1});
        assertThat(FinisherTestSupport.deliver(finisher, job(id), key)).isEqualTo("DISCARDED");
        assertThat(copy).as("not deletable yet").exists();
        assertThat(jdbc.sql("select count(*) from scheduled_tasks where task_name = 'generation-discarded-output'"
                                + " and task_instance = :key")
                        .param("key", key)
                        .query(Long.class)
                        .single())
                .as("its delete is tried again later")
                .isEqualTo(1);

        Files.delete(copy.resolve("pinned")); // the storage recovers
        // its try (this class's scheduler does not poll on its own): the registered task's work
        discardedOutputTask.execute(new TaskInstance<>("generation-discarded-output", key, id), null);
        assertThat(copy).as("deleted by the later try").doesNotExist();
    }

    /**
     * A job charged for its result, then its account deleted (the deletion removed its file), while a
     * second path (a callback racing the poll) was still copying the same result: its copy lands on
     * the job's key after the deletion's clean-up. The finisher answers "duplicate"; the file that copy
     * wrote must not stay behind for an account whose files were promised gone.
     */
    @Test
    void aDuplicateCopyLandingAfterTheAccountsCleanUpIsNotLeftBehind() throws Exception {
        Charged c = charged("charged, then its owner left", "t-dup-left");

        assertThat(deletion.delete(c.user().id(), "correct horse battery staple"))
                .isInstanceOf(DeletionOutcome.Deleted.class);
        accountDeletedHandler().handle(new AccountDeleted(c.user().id()));
        assertThat(assets.open(c.key())).as("the deletion removed the file").isEmpty();

        // the second path's copy of the same result, finished after the clean-up
        assets.put(c.key(), new ByteArrayInputStream(new byte[] {1, 2, 3, 4}), "image/png");
        assertThat(FinisherTestSupport.deliver(finisher, c.running(), c.key())).isEqualTo("DUPLICATE");
        assertThat(assets.open(c.key())).as("the duplicate copy is not kept").isEmpty();
    }

    /** The same when the owner deleted the file (not the account) before the duplicate copy landed. */
    @Test
    void aDuplicateCopyLandingAfterTheOwnerDeletedTheFileIsNotLeftBehind() throws Exception {
        Charged c = charged("charged, then its file deleted", "t-dup-gone");
        assertThat(generations.deleteOutput(c.user().id(), c.id())).isTrue();
        assertThat(assets.open(c.key())).isEmpty();

        assets.put(c.key(), new ByteArrayInputStream(new byte[] {1, 2, 3, 4}), "image/png");
        assertThat(FinisherTestSupport.deliver(finisher, c.running(), c.key())).isEqualTo("DUPLICATE");
        assertThat(assets.open(c.key())).as("the duplicate copy is not kept").isEmpty();
    }

    /**
     * The same race while the owner's deletion is under way: the deletion has begun, and waits for
     * the asset's row (held here), when the second path's copy lands on the job's key and is
     * delivered. Whatever the deletion did before that wait, its end must leave no file behind: a
     * deletion that removed the file before marking the row left the copy under a row marked deleted.
     */
    @Test
    void aDuplicateCopyLandingWhileTheOwnerDeletesTheFileIsNotLeftBehind() throws Exception {
        Charged c = charged("charged, its file being deleted", "t-dup-racing");
        CompletableFuture<Boolean> deleted = new CompletableFuture<>();
        try (HeldTransaction<Long> assetRow = HeldTransaction.open(
                tx,
                jdbc,
                () -> jdbc.sql(
                                "select count(*) from (select 1 from generation_asset where job_id = :j for update) locked")
                        .param("j", c.id())
                        .query(Long.class)
                        .single())) {
            Concurrently.completeInBackground(
                    deleted, () -> generations.deleteOutput(c.user().id(), c.id()));
            assetRow.awaitBlocked();

            assets.put(c.key(), new ByteArrayInputStream(new byte[] {1, 2, 3, 4}), "image/png");
            // the deletion holds the job's row while it waits for the asset's, so the delivery
            // waits for the deletion: both wait while the asset's row is held
            CompletableFuture<String> duplicate = new CompletableFuture<>();
            Concurrently.completeInBackground(
                    duplicate, () -> FinisherTestSupport.deliver(finisher, c.running(), c.key()));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> duplicate.isDone() || LockWaits.waiting(jdbc) >= 2);
            assertThat(assetRow.commit()).isEqualTo(1);
            assertThat(duplicate.get(20, TimeUnit.SECONDS)).isEqualTo("DUPLICATE");
        }
        assertThat(deleted.get(20, TimeUnit.SECONDS)).isTrue();
        assertDeletedWithoutFile(c);
    }

    /**
     * The same race one step later: the deletion has marked the rows and deleted the file, its
     * transaction not committed yet, when the copy lands and is delivered. The delivery waits for
     * the deletion's commit, then discards its copy.
     */
    @Test
    void aDuplicateCopyLandingBeforeTheOwnersDeletionCommitsIsNotLeftBehind() throws Exception {
        Charged c = charged("charged, its deletion not committed", "t-dup-uncommitted");
        CompletableFuture<String> duplicate = new CompletableFuture<>();
        try (HeldTransaction<Boolean> deleting = HeldTransaction.open(
                tx, jdbc, () -> generations.deleteOutput(c.user().id(), c.id()))) {
            assertThat(assets.open(c.key())).as("the deletion removed the file").isEmpty();

            assets.put(c.key(), new ByteArrayInputStream(new byte[] {1, 2, 3, 4}), "image/png");
            Concurrently.completeInBackground(
                    duplicate, () -> FinisherTestSupport.deliver(finisher, c.running(), c.key()));
            deleting.awaitBlocked();
            assertThat(deleting.commit()).isTrue();
        }
        assertThat(duplicate.get(20, TimeUnit.SECONDS)).isEqualTo("DUPLICATE");
        assertDeletedWithoutFile(c);
    }

    /**
     * The account's clean-up locks the user's job rows, then deletes their asset rows; the owner's
     * delete of a file, at the same moment, must take those rows in the same order. Marking the asset
     * row first and then waiting for the job's row made the pair a deadlock that PostgreSQL broke by
     * aborting one side (the owner's delete answered 500, or the clean-up had to retry).
     */
    @Test
    void theOwnersDeleteAndTheAccountsCleanUpTakeTheRowsInOneOrder() throws Exception {
        Charged c = charged("charged, deleted by its owner while the account is cleaned up", "t-lock-order");
        CompletableFuture<Boolean> deleted = new CompletableFuture<>();
        try (HeldTransaction<List<String>> cleanUp = HeldTransaction.open(
                tx,
                jdbc,
                () -> jdbc.sql("select id from generation_job where user_id = :u order by id for update")
                        .param("u", c.user().id())
                        .query(String.class)
                        .list())) {
            Concurrently.completeInBackground(
                    deleted, () -> generations.deleteOutput(c.user().id(), c.id()));
            cleanUp.awaitBlocked();
            assertThat(cleanUp.commitAfter(() -> jdbc.sql("delete from generation_asset where user_id = :u")
                            .param("u", c.user().id())
                            .update()))
                    .containsExactly(c.id());
        }
        assertThat(deleted.get(20, TimeUnit.SECONDS))
                .as("the owner's delete finds the asset gone with the account's clean-up")
                .isTrue();
    }

    /** The job's asset is marked deleted and no file is stored under its key. */
    private void assertDeletedWithoutFile(Charged c) throws Exception {
        assertThat(jdbc.sql("select deleted_at is not null from generation_asset where job_id = :j")
                        .param("j", c.id())
                        .query(Boolean.class)
                        .single())
                .isTrue();
        assertThat(assets.open(c.key()))
                .as("no file under the row marked deleted")
                .isEmpty();
    }

    /** A duplicate copy of a result whose file is still the job's leaves that file alone. */
    @Test
    void aDuplicateCopyOfAKeptResultLeavesItsFile() throws Exception {
        Charged c = charged("charged, delivered twice", "t-dup-kept");
        assertThat(FinisherTestSupport.deliver(finisher, c.running(), c.key())).isEqualTo("DUPLICATE");
        assertThat(assets.open(c.key())).as("the job's file stays").isPresent();
    }

    /** A running job of a new user, its result stored on the job's key and delivered: charged. */
    private record Charged(TestUser user, String id, Job running, String key) {}

    private Charged charged(String prompt, String providerTask) throws Exception {
        TestUser u = users.create(100);
        createTaskAnswers(
                prompt, 200, "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"" + providerTask + "\"}}");
        String id = accept(u, prompt);
        driver.step(id);
        Job running = job(id);
        String key = "jobs/" + u.id() + "/" + id + ".png";
        assets.put(key, new ByteArrayInputStream(new byte[] {1, 2, 3, 4}), "image/png");
        assertThat(FinisherTestSupport.deliver(finisher, running, key)).isEqualTo("CHARGED");
        return new Charged(u, id, running, key);
    }

    /**
     * A late result recorded for a live account keeps it from being deleted until that record
     * commits, so the deletion's own clean-up (after its commit) finds the result and removes it.
     */
    @Test
    void aDeletionWaitsForALateResultBeingRecordedForTheAccount() throws Exception {
        TestUser u = users.create(0);
        CompletableFuture<DeletionOutcome> deleted = new CompletableFuture<>();
        tx.executeWithoutResult(status -> {
            assertThat(deletion.keepUndeletedUntilCommit(u.id())).isTrue();
            new Thread(() -> {
                        try {
                            deleted.complete(deletion.delete(u.id(), "correct horse battery staple"));
                        } catch (RuntimeException e) {
                            deleted.completeExceptionally(e);
                        }
                    })
                    .start();
            try {
                deleted.get(700, TimeUnit.MILLISECONDS);
                throw new AssertionError("the deletion did not wait for the open record");
            } catch (TimeoutException expected) {
                // still waiting, as it must
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertThat(deleted.get(10, TimeUnit.SECONDS)).isInstanceOf(DeletionOutcome.Deleted.class);
        Boolean keptAfter = tx.execute(status -> deletion.keepUndeletedUntilCommit(u.id()));
        assertThat(keptAfter).as("a deleted account is not kept").isFalse();
    }

    @SuppressWarnings("unchecked")
    private DurableEventHandler<AccountDeleted> accountDeletedHandler() {
        return (DurableEventHandler<AccountDeleted>) handlers.stream()
                .filter(h -> h.name().equals("generation.account-deleted"))
                .findFirst()
                .orElseThrow();
    }
}
