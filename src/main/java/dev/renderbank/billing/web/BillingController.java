package dev.renderbank.billing.web;

import dev.renderbank.billing.Billing;
import dev.renderbank.billing.CancelResult;
import dev.renderbank.billing.CheckoutResult;
import dev.renderbank.billing.Product;
import dev.renderbank.billing.PurchasePage;
import dev.renderbank.billing.PurchaseRecord;
import dev.renderbank.billing.Subscription;
import dev.renderbank.identity.CurrentUser;
import dev.renderbank.platform.CursorPaging;
import dev.renderbank.platform.InvalidFieldException;
import dev.renderbank.platform.Problems;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
class BillingController {

    /** The OpenAPI content of a refusal (annotation values must be constants). */
    private static final String PROBLEM_JSON = "application/problem+json";

    private static final String PROBLEM = "#/components/schemas/Problem";

    private final Billing billing;

    BillingController(Billing billing) {
        this.billing = billing;
    }

    record CheckoutRequest(String product) {}

    record CheckoutView(String url, String checkoutId, String product) {}

    /** The products on sale: credit packs and plans. */
    record Products(List<ProductView> packs, List<ProductView> plans) {}

    @GetMapping("/api/v1/catalog/products")
    Products products() {
        Collection<Product> all = billing.products();
        return new Products(
                all.stream().filter(p -> !p.isPlan()).map(ProductView::of).toList(),
                all.stream().filter(Product::isPlan).map(ProductView::of).toList());
    }

    /** What clients see of a product (provider ids stay inside). */
    record ProductView(String id, String kind, long credits, long priceMinor, String currency, String interval) {
        static ProductView of(Product p) {
            return new ProductView(
                    p.id(),
                    p.kind().name().toLowerCase(Locale.ROOT),
                    p.credits(),
                    p.priceMinor(),
                    p.currency(),
                    !p.isPlan() ? null : p.months() == 12 ? "year" : "month");
        }
    }

    @ApiResponse(
            responseCode = "200",
            description = "The checkout to send the user to",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = CheckoutView.class)))
    @ApiResponse(
            responseCode = "409",
            description = "`idempotency-in-progress`: a first request with this Idempotency-Key is still running"
                    + " (`Retry-After: 1`); `plan-already-active`, `plan-payment-pending` or `plan-checkout-open`: one"
                    + " plan at a time",
            content = @Content(mediaType = PROBLEM_JSON, schema = @Schema(ref = PROBLEM)))
    @ApiResponse(
            responseCode = "429",
            description = "`checkout-rate-limit`: too many checkouts started in a minute; `Retry-After`,"
                    + " `retryAfterSeconds`",
            content = @Content(mediaType = PROBLEM_JSON, schema = @Schema(ref = PROBLEM)))
    @ApiResponse(
            responseCode = "503",
            description = "`sales-paused` (the operator's message, `Retry-After`) or"
                    + " `payment-provider-unavailable` (`Retry-After`); nothing was charged",
            content = @Content(mediaType = PROBLEM_JSON, schema = @Schema(ref = PROBLEM)))
    @PostMapping("/api/v1/checkout")
    ResponseEntity<?> checkout(
            @AuthenticationPrincipal CurrentUser user,
            @RequestBody CheckoutRequest request,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
        if (request == null || request.product() == null || request.product().isBlank()) {
            throw new InvalidFieldException("product", "is required");
        }
        CheckoutResult result = billing.checkout(user.id(), request.product(), idempotencyKey);
        if (result instanceof CheckoutResult.Created c) {
            return ResponseEntity.ok(new CheckoutView(c.url(), c.checkoutId(), c.product()));
        }
        if (result instanceof CheckoutResult.UnknownProduct u) {
            throw new InvalidFieldException(
                    HttpStatus.UNPROCESSABLE_CONTENT, "product", "is not a product we sell: " + u.product());
        }
        if (result instanceof CheckoutResult.InProgress) {
            return problem(
                    HttpStatus.CONFLICT,
                    "idempotency-in-progress",
                    "Request in progress",
                    "A checkout with this Idempotency-Key is still being created; retry in a second",
                    "1");
        }
        if (result instanceof CheckoutResult.RateLimited r) {
            long seconds = Math.max(1, (r.retryAfter().toMillis() + 999) / 1000);
            return problem(
                    HttpStatus.TOO_MANY_REQUESTS,
                    "checkout-rate-limit",
                    "Too many requests",
                    "You started " + r.maxCalls() + " checkouts within " + human(r.window()) + ". Please wait "
                            + human(Duration.ofSeconds(seconds)) + " before starting another.",
                    Long.toString(seconds));
        }
        if (result instanceof CheckoutResult.KeyReused k) {
            ResponseEntity<ProblemDetail> reused = problem(
                    HttpStatus.UNPROCESSABLE_CONTENT,
                    "idempotency-key-reused",
                    "Idempotency-Key reused",
                    "This Idempotency-Key was used for a checkout of " + k.product() + "; use a new key",
                    null);
            Problems.withFieldError(reused.getBody(), "Idempotency-Key", "was used for a checkout of " + k.product());
            return reused;
        }
        if (result instanceof CheckoutResult.SalesPaused p) {
            return problem(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "sales-paused",
                    "Sales paused",
                    p.message() == null || p.message().isBlank()
                            ? "Sales are paused by the operators; nothing was charged. Please try again later."
                            : p.message(),
                    Long.toString(Math.max(1, p.retryAfter().toSeconds())));
        }
        if (result instanceof CheckoutResult.ProviderUnavailable) {
            return problem(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "payment-provider-unavailable",
                    "Payment provider unavailable",
                    "The payment provider could not start a checkout; nothing was charged. Try again shortly.",
                    "30");
        }
        if (result instanceof CheckoutResult.PlanRefusal refusal) {
            return PlanRefusals.problem(refusal);
        }
        throw new IllegalStateException("unexpected checkout result " + result);
    }

    @GetMapping("/api/v1/subscriptions")
    List<Subscription> subscriptions(@AuthenticationPrincipal CurrentUser user) {
        return billing.subscriptions(user.id());
    }

    /** The caller's purchases, newest first: {@code {items:[…], nextCursor}}. */
    @GetMapping("/api/v1/purchases")
    PurchasesView purchases(
            @AuthenticationPrincipal CurrentUser user,
            @RequestParam(required = false) String cursor,
            @RequestParam(defaultValue = "20") int limit,
            HttpServletRequest request) {
        CursorPaging.refuseForeign(request, 100);
        PurchasePage page = billing.purchases(user.id(), cursor, limit);
        return new PurchasesView(page.items().stream().map(PurchaseView::of).toList(), page.nextCursor());
    }

    record PurchasesView(List<PurchaseView> items, String nextCursor) {}

    /**
     * A purchase as its buyer sees it; money in minor units of {@code currency}: {@code amountMinor}
     * charged, {@code fromBalanceMinor} paid besides from the buyer's balance at the payment provider.
     */
    record PurchaseView(
            long id,
            String product,
            long credits,
            long amountMinor,
            String currency,
            long refundedMinor,
            String state,
            java.time.Instant createdAt,
            long fromBalanceMinor) {
        static PurchaseView of(PurchaseRecord p) {
            return new PurchaseView(
                    p.id(),
                    p.product(),
                    p.credits(),
                    p.amountMinor(),
                    p.currency(),
                    p.refundedMinor(),
                    p.state(),
                    p.createdAt(),
                    p.fromBalanceMinor());
        }
    }

    @ApiResponse(
            responseCode = "200",
            description = "The subscription, cancelled at the end of its period (or already ended)",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Subscription.class)))
    @PostMapping("/api/v1/subscriptions/{id}/cancel")
    ResponseEntity<?> cancel(@AuthenticationPrincipal CurrentUser user, @PathVariable String id) {
        CancelResult result = billing.cancelSubscription(user.id(), id);
        if (result instanceof CancelResult.Cancelled c) {
            return ResponseEntity.ok(c.subscription());
        }
        if (result instanceof CancelResult.AlreadyEnded a) {
            return ResponseEntity.ok(a.subscription());
        }
        if (result instanceof CancelResult.NotFound) {
            return problem(HttpStatus.NOT_FOUND, "not-found", "Not found", "No such subscription", null);
        }
        if (result instanceof CancelResult.PaymentPending p) {
            return PlanRefusals.cancelWhilePending(p.subscription());
        }
        if (result instanceof CancelResult.ProviderUnavailable) {
            return problem(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "payment-provider-unavailable",
                    "Payment provider unavailable",
                    "The payment provider could not cancel the subscription; try again shortly",
                    "30");
        }
        throw new IllegalStateException("unexpected cancel result " + result);
    }

    private static String human(Duration d) {
        long s = d.toSeconds();
        if (s >= 60 && s % 60 == 0) {
            return s / 60 + (s == 60 ? " minute" : " minutes");
        }
        return s + (s == 1 ? " second" : " seconds");
    }

    private static ResponseEntity<ProblemDetail> problem(
            HttpStatus status, String type, String title, String detail, String retryAfter) {
        ProblemDetail p = Problems.of(status, type, title, detail);
        var builder = ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (retryAfter != null) {
            builder.header(HttpHeaders.RETRY_AFTER, retryAfter);
            p.setProperty("retryAfterSeconds", Integer.parseInt(retryAfter));
        }
        return builder.body(p);
    }
}
