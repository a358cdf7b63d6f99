package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Whoever knew an account's old password is out once the mailbox's owner takes the account back.
 * Unverified accounts can sign in, so someone can sign up with another person's address, sign in,
 * mint an API token and register a webhook endpoint (which streams the account's events to them).
 * When the address's owner then signs up, the newest verification link carries the password they
 * chose: confirming it sets that password and ends every session, API token and webhook endpoint.
 * A password reset, which already ended sessions and tokens, now removes the webhook endpoints too.
 */
class AccountRecoveryTest extends IntegrationTest {

    static final String INTRUDER_PASSWORD = "the intruder's own passphrase";
    static final String OWNER_PASSWORD = "the owner's lighthouse passphrase";
    static final String HOOK = "http://127.0.0.1:9/hook";

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
    void aPasswordResetAlsoRemovesTheAccountsWebhookEndpoints() throws Exception {
        String email = "recover-" + UUID.randomUUID() + "@test.local";
        long id = users.create(email, INTRUDER_PASSWORD, Role.USER, true).id();
        String token = users.issueToken(id, "intruder");
        Api.Response created = new Api(port)
                .post(
                        "/api/v1/webhook-endpoints",
                        token,
                        "{\"url\":\"" + HOOK + "\",\"events\":[\"credits.granted\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);

        FormClient owner = new FormClient(port);
        owner.post("/password/forgot", "/password/forgot", "email", email);
        String link = MailedLinks.await(jdbc, "password-reset", email, 1);
        HttpResponse<String> done =
                owner.post(link, "/password/reset", "token", token(link), "password", OWNER_PASSWORD);
        assertThat(FormClient.location(done)).endsWith("/login?reset");

        awaitNoEndpoints(id);
        assertThat(deliveriesOf(id)).isZero();
        assertThat(new FormClient(port).get("/login?reset").body()).contains("webhook endpoints were removed");
    }

    @Test
    void theOwnersSignUpLinkSetsTheirPasswordAndEndsEverythingTheIntruderHad() throws Exception {
        String email = "preclaim-" + UUID.randomUUID() + "@test.local";
        FormClient intruder = new FormClient(port);
        assertThat(intruder.post("/signup", "/signup", "email", email, "password", INTRUDER_PASSWORD)
                        .body())
                .contains("Check your inbox");
        assertThat(intruder.signIn(email, INTRUDER_PASSWORD)).doesNotContain("/login");
        assertThat(intruder.get("/").statusCode()).isEqualTo(200);
        long id = users.byEmail(email).orElseThrow().id();
        String token = users.issueToken(id, "intruder");
        Api api = new Api(port);
        assertThat(api.post(
                                "/api/v1/webhook-endpoints",
                                token,
                                "{\"url\":\"" + HOOK + "\",\"events\":[\"credits.granted\"]}")
                        .status())
                .isEqualTo(201);

        // the emails are written on their own threads: the second sign-up's must not land before the first's
        MailedLinks.await(jdbc, "verify-email", email, 1);
        FormClient owner = new FormClient(port);
        assertThat(owner.post("/signup", "/signup", "email", email, "password", OWNER_PASSWORD)
                        .body())
                .contains("Check your inbox");
        String link = MailedLinks.await(jdbc, "verify-email", email, 2);

        // opening the link (as a mail scanner would) changes nothing yet: it asks to confirm
        HttpResponse<String> asked = owner.get(link);
        assertThat(asked.statusCode()).isEqualTo(200);
        assertThat(asked.body()).contains("Confirm your address");
        assertThat(intruder.get("/").statusCode()).isEqualTo(200);
        assertThat(api.get("/api/v1/credits", token).status()).isEqualTo(200);

        HttpResponse<String> confirmed =
                owner.post(link, "/verify-email", "token", token(link), "password", OWNER_PASSWORD);
        assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(200);
        assertThat(confirmed.body()).contains("Address confirmed").contains("signed out");

        assertThat(intruder.get("/").statusCode()).as("the intruder's session").isEqualTo(302);
        assertThat(FormClient.location(intruder.get("/"))).endsWith("/login");
        assertThat(api.get("/api/v1/credits", token).status())
                .as("the intruder's token")
                .isEqualTo(401);
        awaitNoEndpoints(id);
        assertThat(new FormClient(port).signIn(email, INTRUDER_PASSWORD)).contains("/login?error");
        assertThat(new FormClient(port).signIn(email, OWNER_PASSWORD)).doesNotContain("/login");
        assertThat(users.byEmail(email).orElseThrow().emailVerified()).isTrue();
    }

    /**
     * The other way round: the owner signed up and has not confirmed yet, and someone else signs up
     * again with the owner's address and a password of their own. That link reaches the owner, who may
     * well follow it (or ask for the link again, which sends the newest link): confirming with the
     * password chosen at that sign-up would hand the account to whoever chose it, and the owner does
     * not know it; the owner's own password confirms the address and changes nothing else.
     */
    @Test
    void aSecondSignUpBySomeoneElseCannotTakeTheOwnersAccountThroughTheOwnersMailbox() throws Exception {
        String email = "takeover-" + UUID.randomUUID() + "@test.local";
        FormClient owner = new FormClient(port);
        owner.post("/signup", "/signup", "email", email, "password", OWNER_PASSWORD);
        assertThat(owner.signIn(email, OWNER_PASSWORD)).doesNotContain("/login");
        MailedLinks.await(jdbc, "verify-email", email, 1); // before the second sign-up: its email comes second
        new FormClient(port).post("/signup", "/signup", "email", email, "password", INTRUDER_PASSWORD);
        MailedLinks.await(jdbc, "verify-email", email, 2);
        // the owner never saw the first email and asks for the link again: the newest one, sent again
        assertThat(owner.post("/signup", "/signup/resend", "email", email).statusCode())
                .isEqualTo(200);
        String link = MailedLinks.await(jdbc, "verify-email", email, 3);

        assertThat(owner.get(link).body()).contains("Type the password chosen at that sign-up");
        HttpResponse<String> refused =
                owner.post(link, "/verify-email", "token", token(link), "password", "a third password entirely");
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.body()).contains("neither the password chosen at that sign-up");
        HttpResponse<String> empty = owner.post(link, "/verify-email", "token", token(link));
        assertThat(empty.statusCode()).isEqualTo(422);
        assertThat(users.byEmail(email).orElseThrow().emailVerified()).isFalse();

        HttpResponse<String> confirmed =
                owner.post(link, "/verify-email", "token", token(link), "password", OWNER_PASSWORD);
        assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(200);
        assertThat(confirmed.body()).contains("Address confirmed").doesNotContain("signed out");
        assertThat(owner.get("/").statusCode()).as("the owner's session stays").isEqualTo(200);
        assertThat(new FormClient(port).signIn(email, INTRUDER_PASSWORD)).contains("/login?error");
        assertThat(new FormClient(port).signIn(email, OWNER_PASSWORD)).doesNotContain("/login");
        assertThat(users.byEmail(email).orElseThrow().emailVerified()).isTrue();
    }

    /**
     * The owner signs up after someone signed up with their address first, then presses "Send the link
     * again": the link sent again is their sign-up's, so confirming it still needs their password and
     * ends everything the first sign-up had. A link that only verified would keep the first password.
     */
    @Test
    void theLinkSentAgainAfterTheOwnersSignUpIsTheOwnersAndEndsWhatTheFirstSignUpHad() throws Exception {
        String email = "resend-" + UUID.randomUUID() + "@test.local";
        FormClient intruder = new FormClient(port);
        intruder.post("/signup", "/signup", "email", email, "password", INTRUDER_PASSWORD);
        assertThat(intruder.signIn(email, INTRUDER_PASSWORD)).doesNotContain("/login");
        MailedLinks.await(jdbc, "verify-email", email, 1);
        FormClient owner = new FormClient(port);
        owner.post("/signup", "/signup", "email", email, "password", OWNER_PASSWORD);
        MailedLinks.await(jdbc, "verify-email", email, 2);

        assertThat(owner.post("/signup", "/signup/resend", "email", email).statusCode())
                .isEqualTo(200);
        String again = MailedLinks.await(jdbc, "verify-email", email, 3);
        assertThat(owner.get(again).body()).contains("Confirm your address");
        HttpResponse<String> confirmed =
                owner.post(again, "/verify-email", "token", token(again), "password", OWNER_PASSWORD);
        assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(200);
        assertThat(intruder.get("/").statusCode())
                .as("the first sign-up's session")
                .isEqualTo(302);
        assertThat(new FormClient(port).signIn(email, INTRUDER_PASSWORD)).contains("/login?error");
        assertThat(new FormClient(port).signIn(email, OWNER_PASSWORD)).doesNotContain("/login");
    }

    @Autowired
    dev.renderbank.billing.rewards.Referrals referrals;

    /**
     * Someone signs up first with another person's address through their own referral link; the
     * address's owner signs up and takes the account back through the link: the referral the first
     * sign-up chose goes with everything else it had, so it never earns its referrer a reward.
     */
    @Test
    void theReferralOfASignUpWhoseAccountItsOwnerTookBackIsForgotten() throws Exception {
        UserAccount referrer = users.create(
                "referrer-" + UUID.randomUUID() + "@test.local",
                OWNER_PASSWORD,
                dev.renderbank.identity.Role.USER,
                true);
        String code = referrals.referralCode(referrer.id());
        String email = "prereferred-" + UUID.randomUUID() + "@test.local";
        new FormClient(port)
                .post("/signup?ref=" + code, "/signup", "email", email, "password", INTRUDER_PASSWORD, "ref", code);
        long id = users.byEmail(email).orElseThrow().id();
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> referrals.referrerOf(id).isPresent());
        MailedLinks.await(jdbc, "verify-email", email, 1);

        FormClient owner = new FormClient(port);
        owner.post("/signup", "/signup", "email", email, "password", OWNER_PASSWORD);
        String link = MailedLinks.await(jdbc, "verify-email", email, 2);
        assertThat(owner.post(link, "/verify-email", "token", token(link), "password", OWNER_PASSWORD)
                        .statusCode())
                .isEqualTo(200);

        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> referrals.referrerOf(id).isEmpty());
    }

    @Test
    void aLinkOfTheFirstSignUpVerifiesAtOnceAndKeepsThePassword() throws Exception {
        String email = "first-" + UUID.randomUUID() + "@test.local";
        FormClient browser = new FormClient(port);
        browser.post("/signup", "/signup", "email", email, "password", OWNER_PASSWORD);
        assertThat(browser.signIn(email, OWNER_PASSWORD)).doesNotContain("/login");
        String link = MailedLinks.await(jdbc, "verify-email", email, 1);

        assertThat(new FormClient(port).get(link).body()).contains("Address confirmed");
        assertThat(browser.get("/").statusCode())
                .as("the signed-in session stays")
                .isEqualTo(200);
        assertThat(users.byEmail(email).orElseThrow().emailVerified()).isTrue();
    }

    private void awaitNoEndpoints(long userId) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(endpointsOf(userId))
                        .as("webhook endpoints left")
                        .isZero());
    }

    private long endpointsOf(long userId) {
        return jdbc.sql("select count(*) from webhook_endpoint where user_id = :u")
                .param("u", userId)
                .query(Long.class)
                .single();
    }

    private long deliveriesOf(long userId) {
        return jdbc.sql("select count(*) from webhook_delivery where user_id = :u")
                .param("u", userId)
                .query(Long.class)
                .single();
    }

    private static String token(String link) {
        return URLDecoder.decode(link.substring(link.indexOf('=') + 1), StandardCharsets.UTF_8);
    }
}
