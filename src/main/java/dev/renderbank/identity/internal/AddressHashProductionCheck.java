package dev.renderbank.identity.internal;

import dev.renderbank.identity.AccountProperties;
import java.util.List;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.util.StringUtils;

/**
 * In {@code prod} the address-hash key must come from configuration: a key generated into the data
 * directory differs per node and is lost with the directory, and the sign-up bonus would then be
 * paid again to an address whose account was deleted, and each node would count an address's sign-in
 * failures and emailed-link requests on its own ({@link AddressHasher#throttleKey}).
 */
public class AddressHashProductionCheck implements dev.renderbank.platform.ProductionCheck {

    @Override
    public List<String> problems(Binder config) {
        AccountProperties accounts = config.bindOrCreate("renderbank.accounts", AccountProperties.class);
        String secret = accounts.addressHashSecret();
        if (!StringUtils.hasText(secret)) {
            return List.of(
                    "renderbank.accounts.address-hash-secret is not set (a random secret of at least 32 characters)");
        }
        if (secret.strip().length() < 32) {
            return List.of("renderbank.accounts.address-hash-secret is shorter than 32 characters");
        }
        return List.of();
    }
}
