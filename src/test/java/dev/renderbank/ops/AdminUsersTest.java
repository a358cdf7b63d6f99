package dev.renderbank.ops;

import static dev.renderbank.ops.AdminSupport.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.ledger.ReserveResult;
import dev.renderbank.notify.Notifier;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The user actions of the admin API: effect, audit record, idempotency and limits. */
class AdminUsersTest extends IntegrationTest {

    static final JsonMapper JSON = JsonMapper.shared();

    @LocalServerPort
    int port;

    @Autowired
    TestUsers testUsers;

    @Autowired
    AdminSupport admins;

    @Autowired
    Ledger ledger;

    @Autowired
    Notifier notifier;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @Autowired
    dev.renderbank.identity.AccountDeletion deletion;

    private HttpResponse<String> post(String path, String token, String json, String key) {
        return call(port, "POST", path, token, json, key);
    }

    private static JsonNode json(HttpResponse<String> r) {
        return JSON.readTree(r.body());
    }

    @Test
    void aGrantNeedsAKeyGrantsOnceAndIsAudited() {
        var admin = admins.newAdmin();
        var u = testUsers.create(10);
        String path = "/api/v1/admin/users/" + u.id() + "/grants";
        String body = "{\"amount\":200,\"reason\":\"lost purchase\",\"notify\":false}";

        HttpResponse<String> noKey = post(path, admin.token(), body, null);
        assertThat(noKey.statusCode()).isEqualTo(400);
        assertThat(noKey.body()).contains("Idempotency-Key");
        assertThat(ledger.balance(u.id()).balance()).isEqualTo(10);

        String key = UUID.randomUUID().toString();
        HttpResponse<String> first = post(path, admin.token(), body, key);
        assertThat(first.statusCode()).isEqualTo(201);
        HttpResponse<String> again = post(path, admin.token(), body, key);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again).get("repeated").asBoolean()).isTrue();
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(210, 0, 0));

        JsonNode audit = json(call(
                port, "GET", "/api/v1/admin/audit?target=user:" + u.id() + "&action=grant", admin.token(), null, null));
        assertThat(audit.get("items")).hasSize(1);
        JsonNode a = audit.get("items").get(0);
        assertThat(a.get("actor").asString()).isEqualTo(admin.email());
        assertThat(a.get("reason").asString()).isEqualTo("lost purchase");
        assertThat(a.get("amount").asLong()).isEqualTo(200);
        assertThat(JSON.readTree(a.get("before").asString()).get("balance").asLong())
                .isEqualTo(10);
        assertThat(JSON.readTree(a.get("after").asString()).get("balance").asLong())
                .isEqualTo(210);
        assertThat(ledger.history(u.id(), null, 1).items().get(0).source()).isEqualTo("COMPENSATION");
    }

    @Test
    void badGrantsAreRefusedAndWriteNothing() {
        var admin = admins.newAdmin();
        var u = testUsers.create(10);
        String path = "/api/v1/admin/users/" + u.id() + "/grants";
        HttpResponse<String> tooLarge = post(
                path,
                admin.token(),
                "{\"amount\":10001,\"reason\":\"typo\"}",
                UUID.randomUUID().toString());
        assertThat(tooLarge.statusCode()).isEqualTo(422);
        assertThat(tooLarge.body()).contains("renderbank.ops.max-grant");
        assertThat(tooLarge.body()).as("the field to fix").contains("\"field\":\"amount\"");
        assertThat(post(path, admin.token(), "{\"amount\":5}", UUID.randomUUID().toString())
                        .statusCode())
                .isEqualTo(400);
        assertThat(post(
                                path,
                                admin.token(),
                                "{\"reason\":\"x\"}",
                                UUID.randomUUID().toString())
                        .statusCode())
                .isEqualTo(400);
        assertThat(post(
                                "/api/v1/admin/users/999999999/grants",
                                admin.token(),
                                "{\"amount\":5,\"reason\":\"x\"}",
                                UUID.randomUUID().toString())
                        .statusCode())
                .isEqualTo(404);
        assertThat(ledger.balance(u.id()).balance()).isEqualTo(10);
        JsonNode audit =
                json(call(port, "GET", "/api/v1/admin/audit?actor=" + admin.email(), admin.token(), null, null));
        assertThat(audit.get("items")).isEmpty();
    }

    /**
     * An admin's actor is their address, which sign-up takes up to 254 characters: an actor limit of
     * 200 refused every action of an admin with a longer one (after some, such as a check at the
     * provider, had already acted, unaudited).
     */
    @Test
    void anAdminWithALongAddressActsAndIsAuditedUnderIt() {
        String domain = ("d".repeat(60) + ".").repeat(3) + "test.local";
        String email = "ops-" + UUID.randomUUID() + "@" + domain;
        assertThat(email.length()).isGreaterThan(200).isLessThanOrEqualTo(254);
        var admin = admins.newAdmin(email);
        var u = testUsers.create(10);

        HttpResponse<String> granted = post(
                "/api/v1/admin/users/" + u.id() + "/grants",
                admin.token(),
                "{\"amount\":20,\"reason\":\"lost purchase\",\"notify\":false}",
                UUID.randomUUID().toString());

        assertThat(granted.statusCode()).as(granted.body()).isEqualTo(201);
        assertThat(json(granted).get("actor").asString()).isEqualTo(email);
        assertThat(ledger.balance(u.id()).balance()).isEqualTo(30);
    }

    @Test
    void anIdempotencyKeyIsTheOperatorsOwnAnotherOperatorsSameKeyGrantsAgain() {
        var first = admins.newAdmin();
        var second = admins.newAdmin();
        var u = testUsers.create(10);
        String path = "/api/v1/admin/users/" + u.id() + "/grants";
        String body = "{\"amount\":200,\"reason\":\"lost purchase\",\"notify\":false}";
        String key = "grant-" + UUID.randomUUID(); // both operators happen to choose the same key

        assertThat(post(path, first.token(), body, key).statusCode()).isEqualTo(201);
        HttpResponse<String> other = post(path, second.token(), body, key);

        assertThat(other.statusCode()).isEqualTo(201);
        assertThat(json(other).get("repeated").asBoolean()).isFalse();
        assertThat(json(other).get("actor").asString()).isEqualTo(second.email());
        assertThat(ledger.balance(u.id()).balance()).isEqualTo(410);
        HttpResponse<String> again = post(path, second.token(), body, key);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again).get("repeated").asBoolean()).isTrue();
        assertThat(ledger.balance(u.id()).balance()).isEqualTo(410);
    }

    @Test
    void concurrentGrantsCannotBothPassTheDailyCap() throws Exception {
        var admin = admins.newAdmin();
        var u = testUsers.create(0);
        int attempts = 8; // 8 x 10000 asked, 50000 allowed: exactly five pass
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(attempts);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < attempts; i++) {
            results.add(pool.submit(() -> {
                start.await();
                return post(
                                "/api/v1/admin/users/" + u.id() + "/grants",
                                admin.token(),
                                "{\"amount\":10000,\"reason\":\"race\"}",
                                UUID.randomUUID().toString())
                        .statusCode();
            }));
        }
        start.countDown();
        List<Integer> codes = new ArrayList<>();
        for (Future<Integer> f : results) {
            codes.add(f.get());
        }
        pool.shutdown();
        assertThat(codes).filteredOn(c -> c == 201).hasSize(5);
        assertThat(codes).filteredOn(c -> c == 422).hasSize(3);
        assertThat(ledger.balance(u.id()).balance()).isEqualTo(50_000);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aGrantWithNotifyQueuesTheCompensationEmailOnce() {
        var admin = admins.newAdmin();
        var u = testUsers.create(0);
        String key = UUID.randomUUID().toString();
        String body = "{\"amount\":30,\"reason\":\"apology\",\"notify\":true}";
        HttpResponse<String> first = post("/api/v1/admin/users/" + u.id() + "/grants", admin.token(), body, key);
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(post("/api/v1/admin/users/" + u.id() + "/grants", admin.token(), body, key)
                        .statusCode())
                .isEqualTo(200);
        // the email's cause is the grant's audit record (an operator's key is the operator's only)
        var mail = notifier.message("ops-grant:" + json(first).get("id").asLong(), u.id())
                .orElseThrow();
        assertThat(mail.to()).isEqualTo(u.email());
        assertThat(ledger.balance(u.id()).balance()).isEqualTo(30);
    }

    @Test
    void waivingDebtClearsItOnceAndIsAudited() {
        var admin = admins.newAdmin();
        var u = testUsers.create(10);
        assertThat(ledger.reserve(u.id(), 8, "job-" + u.id(), Duration.ofMinutes(5)))
                .isInstanceOf(ReserveResult.Reserved.class);
        ledger.clawback("test-grant:" + u.id(), 10, "refund-" + u.id(), "refund");
        assertThat(ledger.balance(u.id()).debt()).isEqualTo(8);

        String path = "/api/v1/admin/users/" + u.id() + "/waive-debt";
        String key = UUID.randomUUID().toString();
        HttpResponse<String> waived = post(path, admin.token(), "{\"reason\":\"goodwill\"}", key);
        assertThat(waived.statusCode()).isEqualTo(200);
        assertThat(json(waived).get("after").asString()).contains("\"waived\": 8");
        assertThat(json(post(path, admin.token(), "{\"reason\":\"goodwill\"}", key))
                        .get("repeated")
                        .asBoolean())
                .isTrue();
        assertThat(ledger.balance(u.id()).debt()).isZero();
        assertThat(post(
                                path,
                                admin.token(),
                                "{\"reason\":\"again\"}",
                                UUID.randomUUID().toString())
                        .statusCode())
                .as("nothing owed any more")
                .isEqualTo(422);
        assertThat(post(path, admin.token(), "{}", UUID.randomUUID().toString()).statusCode())
                .as("reason required")
                .isEqualTo(400);
    }

    /** {@code amount} forgives part of the debt; one that is not a positive number is a 400 naming it. */
    @Test
    void aWaiverOverTheApiForgivesTheAmountItNames() {
        var admin = admins.newAdmin();
        var u = testUsers.create(10);
        assertThat(ledger.reserve(u.id(), 10, "job-" + u.id(), Duration.ofMinutes(5)))
                .isInstanceOf(ReserveResult.Reserved.class);
        ledger.clawback("test-grant:" + u.id(), 10, "refund-" + u.id(), "refund");
        String path = "/api/v1/admin/users/" + u.id() + "/waive-debt";

        HttpResponse<String> zero = post(
                path,
                admin.token(),
                "{\"reason\":\"goodwill\",\"amount\":0}",
                UUID.randomUUID().toString());
        assertThat(zero.statusCode()).as(zero.body()).isEqualTo(400);
        assertThat(zero.body()).contains("amount");
        HttpResponse<String> part = post(
                path,
                admin.token(),
                "{\"reason\":\"goodwill\",\"amount\":4}",
                UUID.randomUUID().toString());
        assertThat(part.statusCode()).as(part.body()).isEqualTo(200);
        assertThat(json(part).get("after").asString()).contains("\"waived\": 4");
        assertThat(ledger.balance(u.id()).debt()).isEqualTo(6);
        HttpResponse<String> tooLarge = post(
                path,
                admin.token(),
                "{\"reason\":\"goodwill\",\"amount\":10001}",
                UUID.randomUUID().toString());
        assertThat(tooLarge.statusCode()).as(tooLarge.body()).isEqualTo(422);
        assertThat(json(tooLarge).get("errors").get(0).get("field").asString()).isEqualTo("amount");
        assertThat(ledger.balance(u.id()).debt()).isEqualTo(6);
    }

    /**
     * A waiver moves credits, so over the API it needs its Idempotency-Key, as a grant does. Without
     * one, a client retrying a waiver whose answer it lost sent a new request with a key of its own,
     * and that forgave a debt the user ran into after the first waiver, one the operator never saw.
     */
    @Test
    void aWaiverWithoutItsKeyIsRefusedSoARetryCannotForgiveADebtAddedSince() {
        var admin = admins.newAdmin();
        var u = testUsers.create(10);
        assertThat(ledger.reserve(u.id(), 10, "job-" + u.id(), Duration.ofMinutes(5)))
                .isInstanceOf(ReserveResult.Reserved.class);
        ledger.clawback("test-grant:" + u.id(), 4, "refund-a-" + u.id(), "refund");
        assertThat(ledger.balance(u.id()).debt()).isEqualTo(4);
        String path = "/api/v1/admin/users/" + u.id() + "/waive-debt";

        HttpResponse<String> keyless = post(path, admin.token(), "{\"reason\":\"goodwill\"}", null);
        assertThat(keyless.statusCode()).as(keyless.body()).isEqualTo(400);
        assertThat(keyless.body()).contains("Idempotency-Key");
        assertThat(ledger.balance(u.id()).debt()).as("nothing forgiven").isEqualTo(4);

        String key = UUID.randomUUID().toString();
        assertThat(post(path, admin.token(), "{\"reason\":\"goodwill\"}", key).statusCode())
                .isEqualTo(200);
        ledger.clawback("test-grant:" + u.id(), 3, "refund-b-" + u.id(), "refund");
        assertThat(ledger.balance(u.id()).debt()).isEqualTo(3);
        // the client lost the first answer and retries it, as it must, with the same key
        HttpResponse<String> retried = post(path, admin.token(), "{\"reason\":\"goodwill\"}", key);
        assertThat(json(retried).get("repeated").asBoolean()).isTrue();
        assertThat(ledger.balance(u.id()).debt())
                .as("the debt added since is still owed")
                .isEqualTo(3);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aSuspendedUserIsRefusedEverywhereUntilReinstated() {
        var admin = admins.newAdmin();
        var u = testUsers.create(100);
        assertThat(call(port, "GET", "/api/v1/credits", u.token(), null, null).statusCode())
                .isEqualTo(200);
        HttpResponse<String> suspended =
                post("/api/v1/admin/users/" + u.id() + "/suspend", admin.token(), "{\"reason\":\"fraud check\"}", null);
        assertThat(suspended.statusCode()).isEqualTo(200);

        HttpResponse<String> refused = call(port, "GET", "/api/v1/credits", u.token(), null, null);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("suspended");
        HttpResponse<String> job = post(
                "/api/v1/generate-image",
                u.token(),
                "{\"model\":\"nano-banana\",\"prompt\":\"a cat\"}",
                UUID.randomUUID().toString());
        assertThat(job.statusCode()).isEqualTo(403);
        assertThat(ledger.balance(u.id()).held()).isZero();
        assertThat(loginWorks(u.email())).isFalse();

        assertThat(post("/api/v1/admin/users/" + u.id() + "/reinstate", admin.token(), "{\"reason\":\"cleared\"}", null)
                        .statusCode())
                .isEqualTo(200);
        assertThat(call(port, "GET", "/api/v1/credits", u.token(), null, null).statusCode())
                .isEqualTo(200);
        assertThat(loginWorks(u.email())).isTrue();
        JsonNode audit =
                json(call(port, "GET", "/api/v1/admin/audit?target=user:" + u.id(), admin.token(), null, null));
        assertThat(audit.get("items").valueStream().map(a -> a.get("action").asString()))
                .containsExactly("reinstate", "suspend");
    }

    /**
     * An account its owner deleted stays closed: "reinstate" (meant for a suspension) is refused and
     * changes nothing, so the anonymised row never becomes an active account again.
     */
    /**
     * A grant or suspension made, then the owner deleted the account, then the operator's retry with
     * the same key (its answer was lost): the retry is told the first result, not "account deleted"
     * (which says the grant was never made).
     */
    @Test
    void aGrantOrSuspensionRepeatedAfterTheOwnerDeletedTheAccountAnswersTheFirstResult() throws Exception {
        var admin = admins.newAdmin();
        var u = testUsers.create(0);
        String grant = "{\"amount\":25,\"reason\":\"outage\"}";
        String grantKey = UUID.randomUUID().toString();
        String suspendKey = UUID.randomUUID().toString();
        HttpResponse<String> first = post("/api/v1/admin/users/" + u.id() + "/grants", admin.token(), grant, grantKey);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        HttpResponse<String> suspended =
                post("/api/v1/admin/users/" + u.id() + "/suspend", admin.token(), "{\"reason\":\"fraud\"}", suspendKey);
        assertThat(suspended.statusCode()).as(suspended.body()).isBetween(200, 201);
        assertThat(deletion.delete(u.id(), "correct horse battery staple"))
                .isInstanceOf(dev.renderbank.identity.DeletionOutcome.Deleted.class);

        HttpResponse<String> again = post("/api/v1/admin/users/" + u.id() + "/grants", admin.token(), grant, grantKey);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(json(again).get("repeated").asBoolean()).isTrue();
        assertThat(json(again).get("id").asLong())
                .isEqualTo(json(first).get("id").asLong());
        HttpResponse<String> suspendAgain =
                post("/api/v1/admin/users/" + u.id() + "/suspend", admin.token(), "{\"reason\":\"fraud\"}", suspendKey);
        assertThat(suspendAgain.statusCode()).as(suspendAgain.body()).isEqualTo(200);
        assertThat(json(suspendAgain).get("repeated").asBoolean()).isTrue();
    }

    @Test
    void anAccountItsOwnerDeletedCannotBeReinstated() throws Exception {
        var admin = admins.newAdmin();
        var u = testUsers.create(0);
        assertThat(deletion.delete(u.id(), "correct horse battery staple"))
                .isInstanceOf(dev.renderbank.identity.DeletionOutcome.Deleted.class);

        HttpResponse<String> reinstate =
                post("/api/v1/admin/users/" + u.id() + "/reinstate", admin.token(), "{\"reason\":\"oops\"}", null);
        assertThat(reinstate.statusCode()).isEqualTo(422);
        assertThat(json(reinstate).get("type").asString()).endsWith("/account-deleted");
        assertThat(jdbc.sql("select enabled from app_user where id = :id")
                        .param("id", u.id())
                        .query(Boolean.class)
                        .single())
                .isFalse();
        HttpResponse<String> suspend =
                post("/api/v1/admin/users/" + u.id() + "/suspend", admin.token(), "{\"reason\":\"fraud\"}", null);
        assertThat(suspend.statusCode())
                .as("nothing to suspend: " + suspend.body())
                .isEqualTo(422);
        assertThat(json(suspend).get("type").asString()).endsWith("/account-deleted");
        JsonNode audit =
                json(call(port, "GET", "/api/v1/admin/audit?target=user:" + u.id(), admin.token(), null, null));
        assertThat(audit.get("items").size()).as("a refusal records nothing").isZero();

        // operators see it as deleted, not as suspended, and are offered no Reinstate
        JsonNode view = json(call(port, "GET", "/api/v1/admin/users?id=" + u.id(), admin.token(), null, null));
        assertThat(view.get("deleted").asBoolean()).isTrue();
        assertThat(view.get("active").asBoolean()).isFalse();
        String page = dev.renderbank.support.SessionApi.signIn(
                        port, admin.email(), "correct horse battery staple", "/admin/users?q=" + u.id())
                .browser()
                .get("/admin/users?q=" + u.id())
                .body();
        assertThat(page).contains("deleted by its owner").doesNotContain("Reinstate", ">suspended<");
    }

    @Test
    void suspendingAndRevokingEndTheUsersBrowserSessionsOnEveryNode() {
        var admin = admins.newAdmin();
        var u = testUsers.create(0);
        assertThat(loginWorks(u.email())).isTrue();
        assertThat(storedSessionsOf(u.email())).isPositive();
        assertThat(post("/api/v1/admin/users/" + u.id() + "/suspend", admin.token(), "{\"reason\":\"fraud\"}", null)
                        .statusCode())
                .isEqualTo(200);
        assertThat(storedSessionsOf(u.email())).isZero();

        assertThat(post("/api/v1/admin/users/" + u.id() + "/reinstate", admin.token(), "{\"reason\":\"ok\"}", null)
                        .statusCode())
                .isEqualTo(200);
        assertThat(loginWorks(u.email())).isTrue();
        assertThat(storedSessionsOf(u.email())).isPositive();
        assertThat(post(
                                "/api/v1/admin/users/" + u.id() + "/revoke-tokens",
                                admin.token(),
                                "{\"reason\":\"leak\"}",
                                null)
                        .statusCode())
                .isEqualTo(200);
        assertThat(storedSessionsOf(u.email())).isZero();
    }

    /** Sessions live in PostgreSQL, read by every node: a deleted row is a signed-out browser everywhere. */
    private long storedSessionsOf(String email) {
        return jdbc.sql("select count(*) from spring_session where principal_name = ?")
                .param(email)
                .query(Long.class)
                .single();
    }

    @Test
    void revokingTokensLocksTheApiOut() {
        var admin = admins.newAdmin();
        var u = testUsers.create(0);
        HttpResponse<String> r = post(
                "/api/v1/admin/users/" + u.id() + "/revoke-tokens", admin.token(), "{\"reason\":\"leaked\"}", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("after").asString()).contains("\"revoked\": 1");
        assertThat(call(port, "GET", "/api/v1/credits", u.token(), null, null).statusCode())
                .isEqualTo(401);
    }

    @Test
    void lookupByEmailShowsCreditsHoldsAndActions() {
        var admin = admins.newAdmin();
        var u = testUsers.create(40);
        ledger.reserve(u.id(), 15, "job-look-" + u.id(), Duration.ofMinutes(5));
        JsonNode d = json(call(port, "GET", "/api/v1/admin/users?email=" + u.email(), admin.token(), null, null));
        assertThat(d.get("balance").asLong()).isEqualTo(40);
        assertThat(d.get("held").asLong()).isEqualTo(15);
        assertThat(d.get("available").asLong()).isEqualTo(25);
        assertThat(d.get("debt").asLong()).isZero();
        assertThat(d.get("openHolds")).hasSize(1);
        assertThat(d.get("history")).isNotEmpty();
        assertThat(d.get("tokens")).hasSize(1);
        assertThat(call(port, "GET", "/api/v1/admin/users?email=nobody@test.local", admin.token(), null, null)
                        .statusCode())
                .isEqualTo(404);
        assertThat(call(port, "GET", "/api/v1/admin/users", admin.token(), null, null)
                        .statusCode())
                .isEqualTo(400);
    }

    /**
     * The jobs' prompts and options are the owner's (their own status API and export show them);
     * the operators' dossier lists the jobs without them, as it did before those reached the job view.
     */
    @Test
    void theDossierListsJobsWithoutTheirPrompts() {
        var admin = admins.newAdmin();
        var u = testUsers.create(40);
        var accepted = new dev.renderbank.support.Api(port)
                .post(
                        "/api/v1/generate-image",
                        u.token(),
                        "{\"model\":\"nano-banana\",\"prompt\":\"a private diary page\"}");
        assertThat(accepted.status()).isEqualTo(202);
        HttpResponse<String> r = call(port, "GET", "/api/v1/admin/users?email=" + u.email(), admin.token(), null, null);
        JsonNode jobs = json(r).get("jobs");
        assertThat(jobs).hasSize(1);
        assertThat(jobs.get(0).has("model")).isTrue();
        assertThat(jobs.get(0).has("prompt")).isFalse();
        assertThat(jobs.get(0).has("options")).isFalse();
        assertThat(r.body()).doesNotContain("private diary");
    }

    /**
     * Support's first questions ("I never got my free credits"): whether the user confirmed their
     * address and when they signed up, on the page and in the API.
     */
    @Test
    void aUsersAddressConfirmationAndSignUpTimeAreShown() throws Exception {
        var admin = admins.newAdmin();
        var u = testUsers.create(0);
        jdbc.sql("update app_user set email_verified = false where id = :id")
                .param("id", u.id())
                .update();
        JsonNode d = json(call(port, "GET", "/api/v1/admin/users?id=" + u.id(), admin.token(), null, null));
        assertThat(d.get("emailVerified").asBoolean()).isFalse();
        assertThat(java.time.Instant.parse(d.get("createdAt").asString()))
                .isBetween(
                        java.time.Instant.now().minus(Duration.ofHours(1)),
                        java.time.Instant.now().plusSeconds(5));
        String page = dev.renderbank.support.SessionApi.signIn(
                        port, admin.email(), "correct horse battery staple", "/admin/users?q=" + u.id())
                .browser()
                .get("/admin/users?q=" + u.id())
                .body();
        assertThat(page).contains("email not confirmed").contains("signed up ");
    }

    private boolean loginWorks(String email) {
        try {
            dev.renderbank.support.BrowserSession.signIn(port, email, "correct horse battery staple");
            return true;
        } catch (AssertionError e) {
            return false;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
