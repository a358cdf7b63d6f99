package dev.renderbank.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.billing.PurchaseCompleted;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.platform.DurableEvents;
import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.OpenedCheckouts;
import dev.renderbank.support.TestUsers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Emails through the outbox to a real SMTP server (GreenMail): each arrives once, with the right
 * recipient and content, after the business commit; never for a rollback; delivered after an SMTP
 * outage; {@code FAILED} after the configured attempts.
 */
class MailOutboxTest extends IntegrationTest {

    static final String CREEM_SECRET = "test-creem-webhook-secret-notify";
    static final String OPS = "ops@test.local";
    static final Inbox inbox = new Inbox();

    @DynamicPropertySource
    static void smtp(DynamicPropertyRegistry r) {
        r.add("spring.mail.host", () -> "127.0.0.1");
        r.add("spring.mail.port", () -> inbox.port);
        r.add("spring.mail.properties.mail.smtp.connectiontimeout", () -> "2000");
        r.add("spring.mail.properties.mail.smtp.timeout", () -> "2000");
        r.add("renderbank.mail.send-interval", () -> "200ms");
        r.add("renderbank.mail.max-attempts", () -> "3");
        r.add("renderbank.mail.from", () -> "Render Test <no-reply@test.local>");
        r.add("renderbank.mail.product-name", () -> "RenderTest");
        r.add("renderbank.public-url", () -> "https://app.test.example");
        r.add("renderbank.ops.email", () -> OPS);
        r.add("CREEM_WEBHOOK_SECRET", () -> CREEM_SECRET);
        r.add("renderbank.simulator.image-duration", () -> "1s");
        r.add("renderbank.limits.cooldown.image", () -> "0");
    }

    @BeforeAll
    static void up() {
        inbox.start();
    }

    @AfterAll
    static void down() {
        inbox.stop();
    }

    @AfterEach
    void smtpBack() {
        inbox.stop();
        inbox.start();
        // a test that failed midway must not leave retries that keep the next tests from settling
        jdbc.sql("update mail_outbox set status = 'FAILED' where status = 'PENDING'")
                .update();
    }

    @Autowired
    Users users;

    @Autowired
    Notifier notifier;

    @Autowired
    DurableEvents events;

    @Autowired
    OperatorAlerts alerts;

    @Autowired
    Ledger ledger;

    @Autowired
    TestUsers testUsers;

    @Autowired
    KieSimulator simulator;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcClient jdbc;

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newHttpClient();

    UserAccount newUser() {
        return users.create("n" + UUID.randomUUID() + "@example.com", "a-long-password-123", Role.USER, true);
    }

    List<Inbox.Mail> awaitMail(String to, int count) {
        await().atMost(Duration.ofSeconds(15)).until(() -> inbox.to(to).size() >= count);
        return inbox.to(to);
    }

    /** Waits until nothing is pending (so "exactly one" is not just "not yet two"). */
    void awaitOutboxSettled() {
        await().atMost(Duration.ofSeconds(15))
                .until(() -> jdbc.sql("""
                                select (select count(*) from mail_outbox where status = 'PENDING')
                                     + (select count(*) from scheduled_tasks where task_name = 'durable-event')""").query(Long.class).single() == 0);
    }

    /**
     * An SMTP outage loses nothing (the outbox waits it out), so it must not make the service look
     * down: with {@code spring.mail.host} set, Spring Boot's mail health check logged in to the SMTP
     * server on every anonymous {@code /actuator/health} and answered 503 DOWN while it was away, so a
     * load balancer would take every node out, and anyone could make the app open SMTP sessions.
     */
    @Test
    void healthStaysUpAndTouchesNoSmtpServerWhileSmtpIsDown() throws Exception {
        inbox.stop();
        HttpResponse<String> health = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat(health.body()).contains("\"UP\"");
    }

    @Test
    void aPackPurchaseSendsOneConfirmationWithProductAmountCreditsAndBalance() throws Exception {
        UserAccount u = newUser();
        String order = "ord_" + UUID.randomUUID();
        String event = """
                {"id":"evt_%s","eventType":"checkout.completed","created_at":1728734325927,
                 "object":{"id":"ch_%s","object":"checkout","request_id":"req_%s",
                   "order":{"id":"%s","customer":"cust_1","product":"prod_local_pack-200","amount":990,
                      "currency":"USD","status":"paid","type":"onetime"},
                   "product":{"id":"prod_local_pack-200","price":990,"currency":"USD","billing_type":"onetime"},
                   "customer":{"id":"cust_1","object":"customer","email":"buyer@example.com"},
                   "status":"completed","metadata":{"userId":"%d"}}}""".formatted(UUID.randomUUID(), order, order, order, u.id());
        assertThat(creem(event).statusCode()).isEqualTo(200);
        assertThat(creem(event.replace("\"id\":\"evt_", "\"id\":\"evt_again_")).statusCode())
                .isEqualTo(200); // another delivery of the same order

        Inbox.Mail mail = awaitMail(u.email(), 1).get(0);
        awaitOutboxSettled();
        assertThat(inbox.to(u.email())).hasSize(1);
        assertThat(mail.from()).isEqualTo("Render Test <no-reply@test.local>");
        assertThat(mail.subject()).isEqualTo("Your RenderTest purchase: 200 credits added");
        assertThat(mail.text())
                .contains("pack-200")
                .contains("$9.90")
                .contains("Credits added: 200")
                .contains("Available now: 200 credits")
                .contains("https://app.test.example/");
        assertThat(mail.html()).contains("pack-200").contains("$9.90").contains("200 credits");
    }

    /**
     * Sign-up takes letters outside ASCII (łukasz@…). SMTP without SMTPUTF8 kept only each
     * character's low byte, so ł (U+0142) went out as B: the reset link for łukasz@… reached the
     * mailbox Bukasz@…, anyone's to take. Mail goes to exactly the account's address or nowhere.
     */
    @Test
    void mailToAnAddressWithLettersOutsideAsciiReachesThatMailboxNotAnAsciiLookAlike() {
        String local = "-" + UUID.randomUUID() + "@example.com";
        UserAccount u = users.create("\u0142ukasz" + local, "a-long-password-123", Role.USER, true);
        notifier.passwordReset(u.id(), "reset:" + UUID.randomUUID(), "tok-reset", null);
        awaitOutboxSettled();

        assertThat(inbox.envelopeRecipients())
                .as("no message to the look-alike made of the letters' low bytes")
                .noneMatch(to -> to.equalsIgnoreCase("Bukasz" + local));
        assertThat(inbox.envelopeRecipients()).contains("\u0142ukasz" + local);
        assertThat(jdbc.sql("select status from mail_outbox where user_id = :id")
                        .param("id", u.id())
                        .query(String.class)
                        .list())
                .containsExactly("SENT");
    }

    @Test
    void aRenewalSendsARenewalNoticeAfterTheFirstReceipt() throws Exception {
        UserAccount u = newUser();
        String sub = "sub_" + UUID.randomUUID();
        Instant start = clock.instant();
        Instant next = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        Instant after = next.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        creem(subscriptionPaid(sub, u.id(), start, next));
        awaitMail(u.email(), 1);
        creem(subscriptionPaid(sub, u.id(), next, after));

        List<Inbox.Mail> mails = awaitMail(u.email(), 2);
        awaitOutboxSettled();
        assertThat(mails).hasSize(2);
        assertThat(mails.get(0).subject()).isEqualTo("Your RenderTest purchase: 500 credits added");
        assertThat(mails.get(1).subject()).isEqualTo("Your RenderTest subscription renewed: 500 credits added");
        assertThat(mails.get(1).text())
                .contains("pro-monthly")
                .contains("$19.90")
                .contains("Available now: 1000 credits");
    }

    @Test
    void everyUserEmailArrivesOnceWithItsContentInTextAndHtml() {
        UserAccount u = newUser();
        ledger.grant(u.id(), 40, GrantSource.ADMIN, "apology-1", null, "Sorry for the outage on Monday");
        for (int round = 0; round < 2; round++) { // the second round is a repeat of the same causes
            notifier.generationReady(u.id(), "gen_ready1", "image", "nano-banana", false);
            notifier.generationFailed(u.id(), "gen_failed1", "video", "sora-2", 25, "the provider refused the prompt");
            notifier.compensation(u.id(), "grant:apology-1", 40, "Sorry for the outage on Monday");
            notifier.clawback(u.id(), "refund:r1", 200, "refund of order ord_1");
            notifier.emailVerification(u.id(), "verify:1", "tok-verify", null);
            notifier.passwordReset(u.id(), "reset:1", "tok-reset", null);
        }
        awaitMail(u.email(), 6);
        awaitOutboxSettled();
        List<Inbox.Mail> mails = inbox.to(u.email());
        assertThat(mails).hasSize(6);
        assertThat(mails).allSatisfy(m -> {
            assertThat(m.text()).isNotBlank();
            assertThat(m.html()).contains("RenderTest").doesNotContain("<img");
        });
        assertThat(find(mails, "Your image is ready").text())
                .contains("nano-banana")
                .contains("https://app.test.example/creations/gen_ready1");
        assertThat(find(mails, "Your video could not be made; 25 credits released")
                        .text())
                .contains("the provider refused the prompt")
                .contains("were released");
        assertThat(find(mails, "40 credits from RenderTest").text())
                .contains("Sorry for the outage on Monday")
                .contains("Available now: 40 credits");
        assertThat(find(mails, "200 credits were taken back from your RenderTest account")
                        .text())
                .contains("refund of order ord_1");
        assertThat(find(mails, "Confirm your email address for RenderTest").text())
                .contains("https://app.test.example/verify-email?token=tok-verify");
        assertThat(find(mails, "Reset your RenderTest password").html())
                .contains("https://app.test.example/password/reset?token=tok-reset");
    }

    @Test
    void aFinishedGenerationMailsItsLinkAndAFailedOneItsReasonAndReleasedCredits() {
        TestUsers.TestUser u = testUsers.create(100);
        Api api = new Api(port);
        String ok = api.post(
                        "/api/v1/generate-image", u.token(), "{\"model\":\"nano-banana\",\"prompt\":\"a ready cat\"}")
                .json()
                .get("taskId")
                .asString();
        assertThat(api.awaitTerminal(ok, u.token()).get("status").asString()).isEqualTo("completed");
        Inbox.Mail ready = awaitMail(u.email(), 1).get(0);
        assertThat(ready.subject()).isEqualTo("Your image is ready");
        assertThat(ready.text()).contains("nano-banana").contains("https://app.test.example/creations/" + ok);

        simulator.setFailureRate(1);
        String failed;
        try {
            failed = api.post(
                            "/api/v1/generate-image",
                            u.token(),
                            "{\"model\":\"nano-banana\",\"prompt\":\"a failing cat\"}")
                    .json()
                    .get("taskId")
                    .asString();
            assertThat(api.awaitTerminal(failed, u.token()).get("status").asString())
                    .isEqualTo("failed");
        } finally {
            simulator.setFailureRate(0);
        }
        List<Inbox.Mail> mails = awaitMail(u.email(), 2);
        awaitOutboxSettled();
        assertThat(mails).hasSize(2);
        assertThat(mails.get(1).subject()).isEqualTo("Your image could not be made; 5 credits released");
        assertThat(mails.get(1).text()).contains("https://app.test.example/creations/" + failed);

        notifier.setGenerationEmails(u.id(), false);
        String quiet = api.post(
                        "/api/v1/generate-image", u.token(), "{\"model\":\"nano-banana\",\"prompt\":\"a quiet cat\"}")
                .json()
                .get("taskId")
                .asString();
        assertThat(api.awaitTerminal(quiet, u.token()).get("status").asString()).isEqualTo("completed");
        awaitOutboxSettled();
        assertThat(inbox.to(u.email())).hasSize(2);
    }

    @Test
    void generationEmailsCanBeTurnedOffButReceiptsStillGo() {
        UserAccount u = newUser();
        notifier.setGenerationEmails(u.id(), false);
        assertThat(notifier.generationReady(u.id(), "gen_off", "image", "sd", false))
                .isEqualTo(Queued.OPTED_OUT);
        assertThat(notifier.generationFailed(u.id(), "gen_off2", "image", "sd", 5, "x"))
                .isEqualTo(Queued.OPTED_OUT);
        assertThat(notifier.purchase(u.id(), "purchase:optout", "pack-200", 990, "USD", 200, "purchase"))
                .isEqualTo(Queued.QUEUED);
        awaitMail(u.email(), 1);
        awaitOutboxSettled();
        assertThat(inbox.to(u.email()))
                .extracting(Inbox.Mail::subject)
                .containsExactly("Your RenderTest purchase: 200 credits added");
    }

    @Test
    void aRolledBackChangeSendsNothing() {
        UserAccount u = newUser();
        tx.executeWithoutResult(s -> {
            events.publish(new PurchaseCompleted(u.id(), "pack-500", 500, 2290, "USD", "rolled-back-" + u.id()));
            s.setRollbackOnly();
        });
        tx.executeWithoutResult(
                s -> events.publish(new PurchaseCompleted(u.id(), "pack-200", 200, 990, "USD", "committed-" + u.id())));

        awaitMail(u.email(), 1);
        awaitOutboxSettled();
        assertThat(inbox.to(u.email()))
                .extracting(Inbox.Mail::text)
                .singleElement()
                .asString()
                .contains("pack-200");
        assertThat(jdbc.sql("select count(*) from mail_outbox where message_key like :k")
                        .param("k", "purchase:rolled-back-%")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void anEmailQueuedWhileSmtpIsDownIsDeliveredOnceAfterRecovery() {
        UserAccount u = newUser();
        inbox.down();
        notifier.compensation(u.id(), "grant:outage-" + u.id(), 10, "outage");
        String cause = "grant:outage-" + u.id();
        await().atMost(Duration.ofSeconds(15))
                .until(() -> notifier.message(cause, u.id()).orElseThrow().lastError() != null);
        OutboxMessage failedOnce = notifier.message(cause, u.id()).orElseThrow();
        assertThat(failedOnce.status()).isEqualTo("PENDING");
        assertThat(failedOnce.attempts()).isEqualTo(1);
        // the retry waits (30 s after the first failure) rather than hammering the server
        assertThat(failedOnce.nextAttemptAt()).isAfter(clock.instant().plusSeconds(20));

        inbox.start();
        clock.advance(Duration.ofSeconds(31));
        List<Inbox.Mail> mails = awaitMail(u.email(), 1);
        awaitOutboxSettled();
        assertThat(inbox.to(u.email())).hasSize(1);
        assertThat(mails.get(0).subject()).isEqualTo("10 credits from RenderTest");
        OutboxMessage sent = notifier.message(cause, u.id()).orElseThrow();
        assertThat(sent.status()).isEqualTo("SENT");
        assertThat(sent.attempts()).isEqualTo(2);
        assertThat(sent.sentAt()).isNotNull();
    }

    @Test
    void afterTheLastAttemptTheEmailIsFailedAndOperatorsAreAlerted() {
        UserAccount u = newUser();
        inbox.down();
        String cause = "grant:never-" + u.id();
        notifier.compensation(u.id(), cause, 10, "never delivered");
        for (int attempt = 1; attempt <= 3; attempt++) {
            int expected = attempt;
            // this attempt's failure is recorded: a retry is planned (not the send lease) or it is final.
            // (The claim counts the attempt before SMTP is called, while the previous attempt's error
            // is still shown: moving the clock then would plan the retry from the moved clock.)
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                OutboxMessage m = notifier.message(cause, u.id()).orElseThrow();
                return m.attempts() == expected
                        && m.lastError() != null
                        && ("FAILED".equals(m.status())
                                || m.nextAttemptAt().isBefore(clock.instant().plus(Duration.ofMinutes(2))));
            });
            clock.advance(Duration.ofMinutes(5));
        }
        await().atMost(Duration.ofSeconds(15))
                .until(() ->
                        notifier.message(cause, u.id()).orElseThrow().status().equals("FAILED"));
        assertThat(notifier.message(cause, u.id()).orElseThrow().attempts()).isEqualTo(3);
        assertThat(alerts.recent(20)).anySatisfy(a -> {
            assertThat(a.kind()).isEqualTo("mail.failed");
            assertThat(a.message()).contains("10 credits from RenderTest");
        });
        inbox.start();
        clock.advance(Duration.ofHours(2));
        awaitOutboxSettled();
        assertThat(inbox.to(u.email())).isEmpty();
    }

    @Test
    void operatorAlertsReachTheOperatorsOncePerKindPerWindow() {
        String kind = "provider.exhausted";
        for (int i = 0; i < 5; i++) { // a flapping alert
            alerts.raise(kind, "The provider account is out of credits (" + i + ")");
        }
        List<Inbox.Mail> mails = awaitMail(OPS, 1);
        awaitOutboxSettled();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> jdbc.sql("select count(*) from operator_alert where sent_at is null")
                                .query(Long.class)
                                .single()
                        == 0);
        assertThat(inbox.to(OPS)).hasSize(1);
        assertThat(mails.get(0).subject()).isEqualTo("RenderTest alert: Provider out of credits");
        assertThat(mails.get(0).text()).contains("out of credits (0)").contains("provider.exhausted");

        clock.advance(Duration.ofMinutes(31)); // the next window: the same kind mails again
        alerts.raise(kind, "The provider account is out of credits again");
        awaitMail(OPS, 2);
        awaitOutboxSettled();
        assertThat(inbox.to(OPS)).hasSize(2);
    }

    private static Inbox.Mail find(List<Inbox.Mail> mails, String subject) {
        return mails.stream()
                .filter(m -> m.subject().equals(subject))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no mail '" + subject + "' in "
                        + mails.stream().map(Inbox.Mail::subject).toList()));
    }

    private HttpResponse<String> creem(String event) throws Exception {
        String body = OpenedCheckouts.forCreemEvent(jdbc, "creem", event);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(CREEM_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/webhooks/creem"))
                        .header("Content-Type", "application/json")
                        .header("creem-signature", signature)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String subscriptionPaid(String sub, long userId, Instant start, Instant end) {
        String txn = "tran_" + UUID.randomUUID();
        return """
                {"id":"evt_%s","eventType":"subscription.paid","created_at":%d,
                 "object":{"id":"%s","object":"subscription","status":"active",
                   "product":{"id":"prod_local_pro-monthly"},"customer":{"email":"buyer@example.com"},
                   "last_transaction_id":"%s",
                   "last_transaction":{"id":"%s","order":"ord_%s","amount":1990,"currency":"USD"},
                   "current_period_start_date":"%s","current_period_end_date":"%s",
                   "metadata":{"userId":"%d","product":"pro-monthly"}}}""".formatted(UUID.randomUUID(), start.toEpochMilli(), sub, txn, txn, sub, start, end, userId);
    }
}
