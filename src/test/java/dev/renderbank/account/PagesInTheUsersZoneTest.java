package dev.renderbank.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.generation.Generations;
import dev.renderbank.identity.ApiTokens;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.TimeZoneChange;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.notify.Notifier;
import dev.renderbank.notify.Webhooks;
import dev.renderbank.support.Api;
import dev.renderbank.support.BrowserSession;
import dev.renderbank.support.IntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A signed-in user reads every time on their pages in their own time zone, and the page names that
 * zone: a user in Tokyo reads 19:00 for 10:00 UTC, not "10:00 UTC" to convert. A user in UTC reads UTC.
 * The same for a time an email names. (The machine-readable instant stays UTC: {@code <time datetime>}.)
 */
class PagesInTheUsersZoneTest extends IntegrationTest {

    static final String PASSWORD = "a-long-password-123";
    static final DateTimeFormatter MINUTE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
    static final DateTimeFormatter SECOND =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    @Autowired
    Users users;

    @Autowired
    Ledger ledger;

    @Autowired
    Generations generations;

    @Autowired
    ApiTokens tokens;

    @Autowired
    Webhooks webhooks;

    @Autowired
    Notifier notifier;

    @Autowired
    JdbcClient jdbc;

    @LocalServerPort
    int port;

    /** What a user in {@code zone} has: a job, a token, a webhook endpoint, a grant; and their pages. */
    record Seen(
            Instant jobStarted,
            Instant tokenCreated,
            Instant endpointAdded,
            Instant granted,
            String generator,
            String creations,
            String creation,
            String tokens,
            String webhooks,
            String credits) {}

    Seen userIn(String zone) throws Exception {
        UserAccount u = users.create("zone-" + UUID.randomUUID() + "@test.local", PASSWORD, Role.USER, true);
        assertThat(users.changeTimeZone(u.id(), zone)).isEqualTo(new TimeZoneChange.Changed(zone));
        ledger.grant(u.id(), 100, GrantSource.ADMIN, "zone-page:" + u.id(), null, "test");
        String token = users.issueToken(u.id(), "script");
        Api api = new Api(port);
        Api.Response job = api.post(
                "/api/v1/generate-image", token, "{\"model\":\"nano-banana\",\"prompt\":\"a lighthouse at dusk\"}");
        assertThat(job.status()).isEqualTo(202);
        String taskId = job.json().get("taskId").asString();
        Api.Response endpoint = api.post(
                "/api/v1/webhook-endpoints",
                token,
                "{\"url\":\"http://127.0.0.1:9/hook\",\"events\":[\"credits.low\"]}");
        assertThat(endpoint.status()).as(endpoint.body()).isEqualTo(201);

        BrowserSession session = BrowserSession.signIn(port, u.email(), PASSWORD);
        return new Seen(
                generations.find(u.id(), taskId).orElseThrow().createdAt(),
                tokens.list(u.id()).get(0).createdAt(),
                webhooks.endpoints(u.id()).get(0).createdAt(),
                ledger.ownHistory(u.id(), null, 20).items().stream()
                        .filter(e -> e.kind().equals("GRANT"))
                        .findFirst()
                        .orElseThrow()
                        .createdAt(),
                page(session, "/"),
                page(session, "/creations"),
                page(session, "/creations/" + taskId),
                page(session, "/account/tokens"),
                page(session, "/account/webhooks"),
                page(session, "/account"));
    }

    static String page(BrowserSession session, String path) throws Exception {
        var r = session.get(path);
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }

    static String zoneNamed(String zone) {
        return "Times in <strong class=\"zone\">" + zone + "</strong>";
    }

    @Test
    void aUserInTokyoReadsTimesNineHoursAheadOfUtcWithTheZoneNamed() throws Exception {
        Seen seen = userIn("Asia/Tokyo");
        Duration ahead = Duration.ofHours(9);

        String started = SECOND.format(seen.jobStarted().plus(ahead));
        assertThat(seen.generator()).as("the generator's recent list").contains(started);
        assertThat(seen.creations()).as("the creations gallery").contains(started);
        assertThat(seen.creation()).as("the creation's page").contains(started);
        assertThat(seen.tokens())
                .as("the token's creation")
                .contains(MINUTE.format(seen.tokenCreated().plus(ahead)));
        assertThat(seen.webhooks())
                .as("the endpoint's creation")
                .contains(SECOND.format(seen.endpointAdded().plus(ahead)));
        assertThat(seen.credits())
                .as("the history")
                .contains(MINUTE.format(seen.granted().plus(ahead)));

        String utcStart = SECOND.format(seen.jobStarted());
        for (String page : new String[] {seen.generator(), seen.creations(), seen.creation()}) {
            assertThat(page).contains(zoneNamed("Asia/Tokyo")).doesNotContain(utcStart);
        }
        assertThat(seen.tokens())
                .contains(zoneNamed("Asia/Tokyo"))
                .doesNotContain("Times are UTC")
                .doesNotContain(MINUTE.format(seen.tokenCreated()));
        assertThat(seen.webhooks())
                .contains(zoneNamed("Asia/Tokyo"))
                .doesNotContain(" UTC")
                .doesNotContain(SECOND.format(seen.endpointAdded()));
        assertThat(seen.credits()).contains(zoneNamed("Asia/Tokyo")).doesNotContain(MINUTE.format(seen.granted()));
        // the machine-readable value stays the instant
        assertThat(seen.creation()).contains("datetime=\"" + seen.jobStarted() + "\"");
    }

    @Test
    void aUserInUtcStillReadsUtcAndIsToldSo() throws Exception {
        Seen seen = userIn("UTC");

        String started = SECOND.format(seen.jobStarted());
        assertThat(seen.generator()).contains(started).contains(zoneNamed("UTC"));
        assertThat(seen.creations()).contains(started).contains(zoneNamed("UTC"));
        assertThat(seen.creation()).contains(started).contains(zoneNamed("UTC"));
        assertThat(seen.tokens()).contains(MINUTE.format(seen.tokenCreated())).contains(zoneNamed("UTC"));
        assertThat(seen.webhooks())
                .contains(SECOND.format(seen.endpointAdded()))
                .contains(zoneNamed("UTC"));
        assertThat(seen.credits()).contains(MINUTE.format(seen.granted())).contains(zoneNamed("UTC"));
    }

    @Test
    void theEndpointDisabledEmailNamesTheMomentInTheRecipientsZone() {
        UserAccount tokyo = users.create("zone-" + UUID.randomUUID() + "@test.local", PASSWORD, Role.USER, true);
        users.changeTimeZone(tokyo.id(), "Asia/Tokyo");
        UserAccount utc = users.create("zone-" + UUID.randomUUID() + "@test.local", PASSWORD, Role.USER, true);
        Instant since = Instant.parse("2026-11-27T10:00:00Z");
        notifier.webhookEndpointDisabled(tokyo.id(), "we_tokyo" + tokyo.id(), "https://example.com/hook", since);
        notifier.webhookEndpointDisabled(utc.id(), "we_utc" + utc.id(), "https://example.com/hook", since);

        assertThat(mail(tokyo.id(), "body_text")).contains("failed since 2026-11-27 19:00 (Asia/Tokyo)");
        assertThat(mail(tokyo.id(), "body_html")).contains("2026-11-27 19:00 (Asia/Tokyo)");
        assertThat(mail(utc.id(), "body_text")).contains("failed since 2026-11-27 10:00 (UTC)");
    }

    private String mail(long userId, String part) {
        return jdbc.sql("select " + part + " from mail_outbox where user_id = :u and template = 'webhook-disabled'")
                .param("u", userId)
                .query(String.class)
                .single();
    }
}
