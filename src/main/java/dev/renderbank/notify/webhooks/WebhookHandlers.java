package dev.renderbank.notify.webhooks;

import dev.renderbank.billing.PurchaseCompleted;
import dev.renderbank.generation.GenerationDeliveredLate;
import dev.renderbank.generation.GenerationFailed;
import dev.renderbank.generation.GenerationSucceeded;
import dev.renderbank.generation.Generations;
import dev.renderbank.generation.JobView;
import dev.renderbank.identity.AccountDeleted;
import dev.renderbank.identity.AccountRecovered;
import dev.renderbank.ledger.CreditsGranted;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.platform.DurableEventHandler;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The business events that become client webhooks. Each runs after the cause committed, at least
 * once ({@link dev.renderbank.platform.DurableEvents}); what it writes is keyed by the event, so a
 * second run writes nothing. {@code generation.*} carries the job as the status API shows it (a late
 * delivery is {@code failed} there with {@code lateDelivery: true} and its asset); a job its owner
 * cancelled is reported too (API clients may cancel from elsewhere).
 */
@Configuration(proxyBeanMethods = false)
class WebhookHandlers {

    private static final Logger log = LoggerFactory.getLogger(WebhookHandlers.class);

    @Bean
    DurableEventHandler<GenerationSucceeded> generationSucceededWebhook(
            WebhookEvents events, Generations generations, CreditsLow low) {
        return handler("notify.webhook-generation-succeeded", GenerationSucceeded.class, e -> {
            job(generations, e.userId(), e.taskId())
                    .ifPresent(j -> events.record(
                            e.userId(), WebhookEvents.GENERATION_COMPLETED, e.key(), WebhookEvents.generation(j)));
            low.check(e.userId(), true, -e.creditsCharged(), "generation");
        });
    }

    @Bean
    DurableEventHandler<GenerationFailed> generationFailedWebhook(
            WebhookEvents events, Generations generations, CreditsLow low) {
        return handler("notify.webhook-generation-failed", GenerationFailed.class, e -> {
            job(generations, e.userId(), e.taskId())
                    .ifPresent(j -> events.record(
                            e.userId(), WebhookEvents.GENERATION_FAILED, e.key(), WebhookEvents.generation(j)));
            low.check(e.userId(), false, e.creditsReleased(), "generation-released");
        });
    }

    /**
     * The result of a failed job arrived: the job as the status API shows it now ({@code failed},
     * {@code lateDelivery: true}, its {@code assetUrl}). Keyed by the late delivery, once per job.
     */
    @Bean
    DurableEventHandler<GenerationDeliveredLate> generationLateWebhook(WebhookEvents events, Generations generations) {
        return handler("notify.webhook-generation-late", GenerationDeliveredLate.class, e -> {
            if (events.wanted(e.userId(), WebhookEvents.GENERATION_LATE_DELIVERY)) {
                job(generations, e.userId(), e.taskId())
                        .ifPresent(j -> events.record(
                                e.userId(),
                                WebhookEvents.GENERATION_LATE_DELIVERY,
                                e.key(),
                                WebhookEvents.generation(j)));
            }
        });
    }

    @Bean
    DurableEventHandler<PurchaseCompleted> purchaseWebhook(WebhookEvents events, Ledger ledger, CreditsLow low) {
        return handler("notify.webhook-purchase", PurchaseCompleted.class, e -> {
            // a plan change whose first month the old plan's unused time already paid for grants nothing
            if (e.credits() > 0 && events.wanted(e.userId(), WebhookEvents.CREDITS_GRANTED)) {
                events.record(
                        e.userId(),
                        WebhookEvents.CREDITS_GRANTED,
                        e.key(),
                        WebhookEvents.credits(
                                ledger.balance(e.userId()),
                                e.credits(),
                                e.renewal() ? "subscription-renewal" : "purchase"));
            }
            low.check(e.userId(), false, e.credits(), "purchase");
        });
    }

    /**
     * Every other grant its owner is told of (a yearly plan's later months and their top-ups, the
     * sign-up bonus, rewards, referrals, an operator's compensation): {@code credits.granted} with the
     * grant's occasion as its {@code reason}, keyed by the grant, so once per grant. Purchases come
     * through {@link #purchaseWebhook}, never through this. Then, as after a purchase, the level is
     * checked (a grant only re-arms {@code credits.low}).
     */
    @Bean
    DurableEventHandler<CreditsGranted> grantWebhook(WebhookEvents events, Ledger ledger, CreditsLow low) {
        return handler("notify.webhook-credits-granted", CreditsGranted.class, e -> {
            if (events.wanted(e.userId(), WebhookEvents.CREDITS_GRANTED)) {
                events.record(
                        e.userId(),
                        WebhookEvents.CREDITS_GRANTED,
                        e.key(),
                        WebhookEvents.credits(ledger.balance(e.userId()), e.credits(), e.occasion()));
            }
            low.check(e.userId(), false, e.credits(), e.occasion());
        });
    }

    /**
     * A deleted account's endpoints go, with their deliveries (pending retries included): the URL and
     * the signing secret are the user's data, and nothing more may be sent to a deleted user. {@link
     * WebhookEvents#record} writes nothing for a deleted account either, so the deletion's own job
     * failures ({@code ACCOUNT_DELETED}) are not sent while this waits its turn. Idempotent.
     */
    @Bean
    DurableEventHandler<AccountDeleted> accountDeletedWebhooks(EndpointStore endpoints) {
        return handler("notify.webhooks-account-deleted", AccountDeleted.class, e -> {
            int removed = endpoints.deleteAll(e.userId());
            if (removed > 0) {
                log.info("account {} deleted: {} webhook endpoint(s) removed", e.userId(), removed);
            }
        });
    }

    /**
     * The account was taken back through its mailbox (a password reset, or a repeated sign-up's
     * verification link): the endpoints registered before it go, with their pending deliveries, as its
     * sessions and API tokens did. Whoever knew the old password may have registered them, and they
     * would keep sending the account's events to that person. The owner registers the ones they want
     * again (a new secret); those stay, however late this runs (a retry): only endpoints registered
     * under an earlier recovery number than the event's go. An event without a number (published
     * before numbers were kept) removes them all, as it did then. Idempotent.
     */
    @Bean
    DurableEventHandler<AccountRecovered> accountRecoveredWebhooks(EndpointStore endpoints) {
        return handler("notify.webhooks-account-recovered", AccountRecovered.class, e -> {
            int removed = e.recovery() == null
                    ? endpoints.deleteAll(e.userId())
                    : endpoints.deleteRegisteredBefore(e.userId(), e.recovery());
            if (removed > 0) {
                log.info("account {} recovered: {} webhook endpoint(s) removed", e.userId(), removed);
            }
        });
    }

    private static Optional<JobView> job(Generations generations, long userId, String taskId) {
        Optional<JobView> j = generations.find(userId, taskId);
        if (j.isEmpty()) {
            log.warn("finished job {} of user {} not found: no webhook", taskId, userId);
        }
        return j;
    }

    private static <E extends dev.renderbank.platform.DurableEvent> DurableEventHandler<E> handler(
            String name, Class<E> type, java.util.function.Consumer<E> body) {
        return new DurableEventHandler<>() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Class<E> eventType() {
                return type;
            }

            @Override
            public void handle(E event) {
                body.accept(event);
            }
        };
    }
}
