package dev.renderbank.identity.internal;

import dev.renderbank.identity.DemoProperties;
import dev.renderbank.platform.ProductionCheck;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.util.StringUtils;

/**
 * Demo users are never allowed in {@code prod}, whatever else is allowed: their passwords and
 * tokens were printed to a console and sit in a file. Demo accounts already in the database are
 * switched off at start by {@link DemoAccountsOffInProd}.
 */
public class DemoProductionCheck implements ProductionCheck {

    @Override
    public List<String> problems(Binder config) {
        DemoProperties demo = config.bindOrCreate("renderbank.demo", DemoProperties.class);
        List<String> problems = new ArrayList<>();
        if (demo.enabled()) {
            problems.add("demo users are enabled (set renderbank.demo.enabled=false)");
        }
        if (StringUtils.hasText(demo.apiToken()) || StringUtils.hasText(demo.adminToken())) {
            problems.add("demo API tokens are configured (renderbank.demo.api-token / admin-token)");
        }
        return problems;
    }
}
