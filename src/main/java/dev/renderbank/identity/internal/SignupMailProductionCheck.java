package dev.renderbank.identity.internal;

import dev.renderbank.identity.SignupProperties;
import dev.renderbank.platform.ProductionCheck;
import java.util.List;
import org.springframework.boot.context.properties.bind.Binder;

/**
 * Open sign-up needs outgoing mail: without {@code spring.mail.host} verification and reset emails
 * stay in the outbox, nobody can verify an address (so nobody gets the sign-up bonus) and, in
 * {@code prod}, the links are never logged either.
 */
public class SignupMailProductionCheck implements ProductionCheck {

    @Override
    public List<String> problems(Binder config) {
        SignupProperties signup = config.bindOrCreate("renderbank.signup", SignupProperties.class);
        boolean mail = ProductionCheck.mailLeaves(config);
        if (signup.enabled() && !mail) {
            return List.of("sign-up is open but no SMTP server is configured: set spring.mail.host"
                    + " (verification emails would never leave) or renderbank.signup.enabled=false");
        }
        return List.of();
    }
}
