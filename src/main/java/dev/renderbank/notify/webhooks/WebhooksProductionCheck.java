package dev.renderbank.notify.webhooks;

import dev.renderbank.platform.ProductionCheck;
import java.util.List;
import org.springframework.boot.context.properties.bind.Binder;

/**
 * In {@code prod}, client webhooks may only reach the public internet: a user-supplied URL that
 * reaches this machine, its network or a metadata service is a server-side request forgery. No
 * override: a receiver on the private network has no place in a multi-user product.
 */
public class WebhooksProductionCheck implements ProductionCheck {

    @Override
    public List<String> problems(Binder config) {
        if (ProductionCheck.enabled(config, "renderbank.webhooks.allow-private-hosts")) {
            return List.of("renderbank.webhooks.allow-private-hosts=true lets users' webhook URLs reach"
                    + " loopback and private addresses");
        }
        return List.of();
    }
}
