package dev.renderbank.notify;

import dev.renderbank.identity.StillSignedIn;
import dev.renderbank.notify.webhooks.DeliveryHistory;
import dev.renderbank.notify.webhooks.EndpointStore;
import dev.renderbank.notify.webhooks.ResendCounts;
import dev.renderbank.notify.webhooks.StandardWebhooks;
import dev.renderbank.notify.webhooks.WebhookEvents;
import dev.renderbank.notify.webhooks.WebhookProperties;
import dev.renderbank.notify.webhooks.WebhookUrlPolicy;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Client webhooks (Standard Webhooks): a user's endpoints, their delivery log and resend. Everything
 * is per user: another user's endpoint or delivery is indistinguishable from a missing one. What is
 * sent is written by this module's durable event handlers ({@code notify.webhooks}).
 */
@Service
public class Webhooks {

    /** The event types an endpoint may ask for. */
    public static final Set<String> EVENT_TYPES = Set.of(
            WebhookEvents.GENERATION_COMPLETED,
            WebhookEvents.GENERATION_FAILED,
            WebhookEvents.GENERATION_LATE_DELIVERY,
            WebhookEvents.CREDITS_GRANTED,
            WebhookEvents.CREDITS_LOW);

    static final int DELIVERIES_SHOWN = 50;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final EndpointStore endpoints;
    private final DeliveryHistory deliveries;
    private final WebhookProperties props;
    private final WebhookUrlPolicy policy;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final StillSignedIn signedIn;
    private final ResendCounts resendCounts;

    Webhooks(
            EndpointStore endpoints,
            DeliveryHistory deliveries,
            ResendCounts resendCounts,
            WebhookProperties props,
            Clock clock,
            TransactionTemplate tx,
            StillSignedIn signedIn) {
        this.endpoints = endpoints;
        this.resendCounts = resendCounts;
        this.signedIn = signedIn;
        this.tx = tx;
        this.deliveries = deliveries;
        this.props = props;
        this.policy = new WebhookUrlPolicy(props.allowPrivateHosts());
        this.clock = clock;
    }

    /**
     * Registers an endpoint for {@code caller} after checking the URL (https, a host that resolves to
     * public addresses only) and the events; the secret is in the answer and never again. Written
     * under a share lock of the account's row, after checking there that the caller is still signed
     * in (its token live, its session not ended): nothing is written for a caller signed out meanwhile
     * (a request authenticated before a password reset or a deletion, its URL still resolving), and a
     * reset, suspension or deletion waits for the endpoint, which its clean-up then removes with the
     * others.
     */
    public WebhookOutcome register(StillSignedIn.Caller caller, String url, List<String> events) {
        // what the request itself shows first, every field at once; the host is looked up only then
        Optional<String> badPort = WebhookUrlPolicy.portProblem(url);
        Optional<String> badUrl = badPort.isPresent() ? badPort : policy.formProblem(url);
        Optional<String> badEvents = eventsProblem(events);
        if (badEvents.isPresent() || badUrl.isPresent() && badPort.isEmpty()) {
            List<WebhookOutcome.FieldProblem> problems = new ArrayList<>();
            badUrl.ifPresent(m -> problems.add(new WebhookOutcome.FieldProblem("url", m)));
            badEvents.ifPresent(m -> problems.add(new WebhookOutcome.FieldProblem("events", m)));
            return new WebhookOutcome.Invalid(problems);
        }
        if (badPort.isPresent()) {
            return new WebhookOutcome.Unusable("url", badPort.get());
        }
        Optional<String> refusal = policy.refusal(url);
        if (refusal.isPresent()) {
            return new WebhookOutcome.Invalid("url", refusal.get());
        }
        Set<String> wanted = new LinkedHashSet<>(events);
        long userId = caller.userId();
        String id = "we_" + random(12);
        String secret = StandardWebhooks.newSecret();
        Instant now = clock.instant();
        String clean = WebhookUrlPolicy.ascii(url).trim(); // an international host as punycode, as it is sent to
        return tx.execute(s -> {
            endpoints.lockRegistrations(userId);
            StillSignedIn.Standing standing = signedIn.lockWhileSignedIn(caller);
            if (standing instanceof StillSignedIn.Standing.Deleted) {
                return new WebhookOutcome.AccountGone();
            }
            if (standing instanceof StillSignedIn.Standing.Suspended) {
                return new WebhookOutcome.AccountSuspended();
            }
            if (!(standing instanceof StillSignedIn.Standing.SignedIn in)) {
                return new WebhookOutcome.SignedOut();
            }
            Optional<String> same = endpoints.idWithUrl(userId, clean); // under the registrations lock
            if (same.isPresent()) {
                return new WebhookOutcome.AlreadyRegistered(same.get());
            }
            if (!endpoints.insertWithinCap(
                    id,
                    userId,
                    clean,
                    List.copyOf(wanted),
                    secret,
                    props.maxEndpointsPerUser(),
                    now,
                    in.recoveries())) {
                return new WebhookOutcome.TooMany(props.maxEndpointsPerUser());
            }
            return new WebhookOutcome.Created(
                    new WebhookCreated(new WebhookEndpoint(id, clean, List.copyOf(wanted), now, null), secret));
        });
    }

    /** What is wrong with the events asked for; empty when they are known ones, at least one. */
    private static Optional<String> eventsProblem(List<String> events) {
        if (events == null || events.isEmpty()) {
            return Optional.of("must name at least one of " + sorted(EVENT_TYPES));
        }
        for (String e : events) {
            if (e == null || !EVENT_TYPES.contains(e)) {
                return Optional.of("may only contain " + sorted(EVENT_TYPES) + ", not " + e);
            }
        }
        return Optional.empty();
    }

    public List<WebhookEndpoint> endpoints(long userId) {
        return endpoints.list(userId);
    }

    /** Removes the endpoint (pending deliveries are dropped with it); false when the user has none such. */
    public boolean remove(long userId, String endpointId) {
        return endpoints.delete(userId, endpointId);
    }

    /** The endpoint's recent deliveries, newest first; empty when the user has no such endpoint. */
    public Optional<List<WebhookDelivery>> deliveries(long userId, String endpointId) {
        return endpoints.find(userId, endpointId).map(e -> deliveries.list(e.id(), DELIVERIES_SHOWN));
    }

    /**
     * Sends a delivery again (same {@code webhook-id} and body, a fresh retry window), whatever its
     * state, unless its endpoint is disabled (that one must be enabled first) or it was resent less
     * than {@code renderbank.webhooks.resend-interval} ago, or the user already resent {@code
     * renderbank.webhooks.max-resends-per-user} deliveries in the current {@code
     * renderbank.webhooks.resend-count-window}. Only a resend that queues the delivery counts.
     */
    public ResendOutcome resend(long userId, String endpointId, String deliveryId) {
        return tx.execute(s -> {
            Optional<Boolean> disabled = endpoints.lockDisabled(userId, endpointId);
            if (disabled.isEmpty()) {
                return new ResendOutcome.NotFound();
            }
            if (disabled.get()) {
                return new ResendOutcome.EndpointDisabled();
            }
            Instant now = clock.instant();
            Optional<Instant> capped =
                    resendCounts.count(userId, now, props.resendCountWindow(), props.maxResendsPerUser());
            if (capped.isPresent()) {
                return new ResendOutcome.TooManyForUser(
                        capped.get(), props.maxResendsPerUser(), props.resendCountWindow());
            }
            DeliveryHistory.Resend done = deliveries.resend(
                    endpointId, deliveryId, now, now.plus(props.retryWindow()), props.resendInterval());
            if (!(done instanceof DeliveryHistory.Resend.Done)) {
                s.setRollbackOnly(); // nothing queued: the resend is not counted
            }
            if (done instanceof DeliveryHistory.Resend.TooSoon t) {
                return new ResendOutcome.TooSoon(t.resentAt().plus(props.resendInterval()), props.resendInterval());
            }
            if (!(done instanceof DeliveryHistory.Resend.Done)) {
                return new ResendOutcome.NotFound();
            }
            return deliveries
                    .find(endpointId, deliveryId)
                    .<ResendOutcome>map(ResendOutcome.Queued::new)
                    .orElseGet(ResendOutcome.NotFound::new);
        });
    }

    /**
     * Enables an endpoint that was disabled after failing for days; its failures are counted afresh
     * and new events reach it again (what failed meanwhile stays failed: resend it). Empty when the
     * user has no such endpoint.
     */
    public Optional<WebhookEndpoint> enable(long userId, String endpointId) {
        if (!endpoints.enable(userId, endpointId)) {
            return Optional.empty();
        }
        return endpoints.find(userId, endpointId);
    }

    public int maxEndpointsPerUser() {
        return props.maxEndpointsPerUser();
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
