package dev.renderbank.account;

import dev.renderbank.billing.Billing;
import dev.renderbank.billing.PurchasePage;
import dev.renderbank.billing.PurchaseRecord;
import dev.renderbank.generation.Generations;
import dev.renderbank.generation.JobPage;
import dev.renderbank.generation.JobView;
import dev.renderbank.identity.ApiToken;
import dev.renderbank.identity.ApiTokens;
import dev.renderbank.identity.CurrentUser;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.HistoryPage;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.ledger.LedgerEntry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * {@code GET /account/export}: "download my data" — the caller's profile, jobs, credit history,
 * purchases and token names as one JSON file, gathered through the modules' facades (each of which
 * answers for one user only, so nothing of anyone else can slip in).
 */
@Controller
class DataExport {

    /** The largest page the job and purchase listings serve. */
    private static final int JOB_PAGE = 100;

    private static final int LEDGER_PAGE = 200;

    private final Users users;
    private final ApiTokens tokens;
    private final Generations generations;
    private final Ledger ledger;
    private final Billing billing;
    private final Clock clock;

    DataExport(Users users, ApiTokens tokens, Generations generations, Ledger ledger, Billing billing, Clock clock) {
        this.users = users;
        this.tokens = tokens;
        this.generations = generations;
        this.ledger = ledger;
        this.billing = billing;
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

    record Export(
            Instant exportedAt,
            Profile profile,
            Credits credits,
            List<JobView> jobs,
            List<LedgerEntry> ledger,
            List<PurchaseRecord> purchases,
            List<ApiToken> apiTokens) {}

    @GetMapping("/account/export")
    ResponseEntity<Export> export(@AuthenticationPrincipal CurrentUser user) {
        UserAccount account = users.byId(user.id()).orElseThrow();
        Balance b = ledger.balance(user.id());
        Export export = new Export(
                clock.instant(),
                new Profile(
                        account.id(),
                        account.email(),
                        account.displayName(),
                        account.role().name(),
                        account.emailVerified(),
                        account.timeZone(),
                        account.createdAt()),
                new Credits(b.balance(), b.held(), b.available(), b.debt()),
                jobs(user.id()),
                entries(user.id()),
                purchases(user.id()),
                tokens.list(user.id()));
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .header(
                        HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment()
                                .filename("renderbank-data-" + user.id() + ".json")
                                .build()
                                .toString())
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(export);
    }

    private List<JobView> jobs(long userId) {
        List<JobView> all = new ArrayList<>();
        String cursor = null;
        do {
            JobPage page = generations.list(userId, null, cursor, JOB_PAGE);
            all.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        return all;
    }

    private List<PurchaseRecord> purchases(long userId) {
        List<PurchaseRecord> all = new ArrayList<>();
        String cursor = null;
        do {
            PurchasePage page = billing.purchases(userId, cursor, JOB_PAGE);
            all.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        return all;
    }

    private List<LedgerEntry> entries(long userId) {
        List<LedgerEntry> all = new ArrayList<>();
        String cursor = null;
        do {
            HistoryPage page = ledger.history(userId, cursor, LEDGER_PAGE);
            all.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        return all;
    }
}
