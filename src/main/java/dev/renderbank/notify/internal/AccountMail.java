package dev.renderbank.notify.internal;

import dev.renderbank.identity.PasswordResetRequested;
import dev.renderbank.identity.VerificationRequested;
import dev.renderbank.notify.Notifier;
import dev.renderbank.platform.DurableEventHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Security emails from identity's events: the verification link and the password-reset link. */
@Configuration(proxyBeanMethods = false)
class AccountMail {

    @Bean
    DurableEventHandler<VerificationRequested> verificationMail(Notifier notifier) {
        return new DurableEventHandler<>() {
            @Override
            public String name() {
                return "notify.verification-mail";
            }

            @Override
            public Class<VerificationRequested> eventType() {
                return VerificationRequested.class;
            }

            @Override
            public void handle(VerificationRequested e) {
                notifier.emailVerification(e.userId(), e.key(), e.token(), e.expiresAt());
            }
        };
    }

    @Bean
    DurableEventHandler<PasswordResetRequested> passwordResetMail(Notifier notifier) {
        return new DurableEventHandler<>() {
            @Override
            public String name() {
                return "notify.password-reset-mail";
            }

            @Override
            public Class<PasswordResetRequested> eventType() {
                return PasswordResetRequested.class;
            }

            @Override
            public void handle(PasswordResetRequested e) {
                notifier.passwordReset(e.userId(), e.key(), e.token(), e.expiresAt());
            }
        };
    }
}
