package dev.renderbank.account;

import dev.renderbank.billing.Billing;
import dev.renderbank.billing.PurchasePage;
import dev.renderbank.generation.Generations;
import dev.renderbank.generation.JobPage;
import dev.renderbank.identity.ApiTokens;
import dev.renderbank.identity.CurrentUser;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.HistoryPage;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.notify.Notifier;
import dev.renderbank.notify.Webhooks;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code GET /account/export}: "download my data" — the caller's profile, settings, jobs (with their
 * prompts and options), credit history, purchases, plans, webhook endpoints (never their secrets) and
 * token names as one JSON file, gathered through the modules' facades (each of which
 * answers for one user only, so nothing of anyone else can slip in). Written as it is read, one
 * page of each listing at a time, so memory does not grow with the account's history (a long-lived
 * account can have hundreds of thousands of ledger entries); each page is flushed to the client.
 * A failure half-way leaves a truncated file, which no JSON reader takes for a complete one.
 */
@Controller
class DataExport {

    private static final Logger log = LoggerFactory.getLogger(DataExport.class);

    /** The largest page the job and purchase listings serve. */
    private static final int JOB_PAGE = 100;

    private static final int LEDGER_PAGE = 200;

    private final Users users;
    private final ApiTokens tokens;
    private final Generations generations;
    private final Ledger ledger;
    private final Billing billing;
    private final Webhooks webhooks;
    private final Notifier notifier;
    private final ObjectMapper json;
    private final Clock clock;

    DataExport(
            Users users,
            ApiTokens tokens,
            Generations generations,
            Ledger ledger,
            Billing billing,
            Webhooks webhooks,
            Notifier notifier,
            ObjectMapper json,
            Clock clock) {
        this.users = users;
        this.tokens = tokens;
        this.generations = generations;
        this.ledger = ledger;
        this.billing = billing;
        this.webhooks = webhooks;
        this.notifier = notifier;
        this.json = json;
        this.clock = clock;
    }

    record Profile(
            long id,
            String email,
            String displayName,
            String role,
            boolean emailVerified,
            String timeZone,
            Instant createdAt) {}

    record Credits(long balance, long held, long available, long debt) {}

    /** One page of a listing: its items and the cursor of the next page (null after the last). */
    private record Page(List<?> items, String next) {}

    @GetMapping("/account/export")
    void export(@AuthenticationPrincipal CurrentUser user, HttpServletResponse response) throws IOException {
        long id = user.id();
        UserAccount account = users.byId(id).orElseThrow();
        Balance b = ledger.balance(id);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader(
                HttpHeaders.CONTENT_DISPOSITION,
                ContentDisposition.attachment()
                        .filename("renderbank-data-" + id + ".json")
                        .build()
                        .toString());
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        Writer out = new BufferedWriter(new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8));
        out.write("{\"exportedAt\":" + json.writeValueAsString(clock.instant()));
        out.write(",\"profile\":"
                + json.writeValueAsString(new Profile(
                        account.id(),
                        account.email(),
                        account.displayName(),
                        account.role().name(),
                        account.emailVerified(),
                        account.timeZone(),
                        account.createdAt())));
        out.write(
                ",\"credits\":" + json.writeValueAsString(new Credits(b.balance(), b.held(), b.available(), b.debt())));
        out.write(",\"settings\":"
                + json.writeValueAsString(ExportedItems.Settings.of(account.timeZone(), notifier.settings(id))));
        out.flush();
        array(out, "jobs", cursor -> {
            JobPage p = generations.list(id, null, cursor, JOB_PAGE);
            return new Page(p.items(), p.nextCursor());
        });
        array(out, "ledger", cursor -> {
            HistoryPage p = ledger.ownHistory(id, cursor, LEDGER_PAGE);
            return new Page(p.items(), p.nextCursor());
        });
        array(out, "purchases", cursor -> {
            PurchasePage p = billing.purchases(id, cursor, JOB_PAGE);
            return new Page(p.items(), p.nextCursor());
        });
        // a user has few plans and endpoints (endpoints are capped): one page each
        array(
                out,
                "subscriptions",
                cursor -> new Page(
                        billing.subscriptions(id).stream()
                                .map(ExportedItems.Plan::of)
                                .toList(),
                        null));
        array(out, "webhookEndpoints", cursor -> new Page(webhooks.endpoints(id), null));
        array(out, "apiTokens", cursor -> {
            ApiTokens.Page p = tokens.all(id, cursor, JOB_PAGE);
            return new Page(p.items(), p.nextCursor());
        });
        out.write("}");
        out.flush();
        log.debug("data export of user {} written", id);
    }

    /** Writes {@code ,"name":[...]} one page at a time, flushing each page to the client. */
    private void array(Writer out, String name, Function<String, Page> fetch) throws IOException {
        out.write(",\"" + name + "\":[");
        boolean first = true;
        String cursor = null;
        do {
            Page page = fetch.apply(cursor);
            for (Object item : page.items()) {
                if (!first) {
                    out.write(',');
                }
                first = false;
                out.write(json.writeValueAsString(item));
            }
            out.flush();
            cursor = page.next();
        } while (cursor != null);
        out.write(']');
    }
}
