package dev.renderbank.notify.internal;

import dev.renderbank.generation.GenerationDeliveredLate;
import dev.renderbank.generation.GenerationFailed;
import dev.renderbank.generation.GenerationSucceeded;
import dev.renderbank.notify.Notifier;
import dev.renderbank.platform.DurableEventHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * "Your generation is ready / could not be made", unless the user turned these emails off. A job the
 * user cancelled gets no email (they know). A result that arrives after its job failed (or after its
 * hold expired) gets its own email, "ready, late, free of charge", under its own cause, once.
 */
@Configuration(proxyBeanMethods = false)
class GenerationMail {

    /** {@code error.code} of a job its owner cancelled (generation's own constant is internal there). */
    static final String CANCELLED = "cancelled";

    @Bean
    DurableEventHandler<GenerationSucceeded> generationReadyMail(Notifier notifier) {
        return new DurableEventHandler<>() {
            @Override
            public String name() {
                return "notify.generation-ready";
            }

            @Override
            public Class<GenerationSucceeded> eventType() {
                return GenerationSucceeded.class;
            }

            @Override
            public void handle(GenerationSucceeded e) {
                notifier.generationReady(e.userId(), e.taskId(), e.type().label(), e.model(), false);
            }
        };
    }

    @Bean
    DurableEventHandler<GenerationDeliveredLate> generationLateMail(Notifier notifier) {
        return new DurableEventHandler<>() {
            @Override
            public String name() {
                return "notify.generation-late";
            }

            @Override
            public Class<GenerationDeliveredLate> eventType() {
                return GenerationDeliveredLate.class;
            }

            @Override
            public void handle(GenerationDeliveredLate e) {
                notifier.generationLate(e.userId(), e.taskId(), e.type().label(), e.model());
            }
        };
    }

    @Bean
    DurableEventHandler<GenerationFailed> generationFailedMail(Notifier notifier) {
        return new DurableEventHandler<>() {
            @Override
            public String name() {
                return "notify.generation-failed";
            }

            @Override
            public Class<GenerationFailed> eventType() {
                return GenerationFailed.class;
            }

            @Override
            public void handle(GenerationFailed e) {
                if (e.lateDelivery()) {
                    // the same email as GenerationDeliveredLate's, under the same cause: queued once
                    notifier.generationLate(e.userId(), e.taskId(), e.type().label(), e.model());
                } else if (!CANCELLED.equals(e.code())) {
                    notifier.generationFailed(
                            e.userId(), e.taskId(), e.type().label(), e.model(), e.creditsReleased(), e.reason());
                }
            }
        };
    }
}
