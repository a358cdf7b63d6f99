package dev.renderbank.platform;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.StringUtils;

/**
 * The {@code prod} profile refuses to start with development conveniences: demo users or tokens,
 * the provider simulator, or simulated payments (the last two unless
 * {@code renderbank.allow-simulators-in-prod=true}). Runs before any bean exists, so nothing
 * touches the database first. Registered in META-INF/spring.factories.
 */
public class ProductionGuard implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        ConfigurableEnvironment env = event.getEnvironment();
        if (!env.matchesProfiles("prod")) {
            return;
        }
        List<String> problems = problems(env);
        if (!problems.isEmpty()) {
            throw new IllegalStateException(
                    "Refusing to start with the prod profile:\n - " + String.join("\n - ", problems));
        }
    }

    static List<String> problems(ConfigurableEnvironment env) {
        List<String> problems = new ArrayList<>();
        if (env.getProperty("renderbank.demo.enabled", Boolean.class, true)) {
            problems.add("demo users are enabled (set renderbank.demo.enabled=false)");
        }
        if (StringUtils.hasText(env.getProperty("renderbank.demo.api-token"))
                || StringUtils.hasText(env.getProperty("renderbank.demo.admin-token"))) {
            problems.add("demo API tokens are configured (renderbank.demo.api-token / admin-token)");
        }
        if (!StringUtils.hasText(env.getProperty("renderbank.public-url"))) {
            problems.add("renderbank.public-url is not set: provider callbacks and links would point at localhost");
        }
        boolean allowSimulators = env.getProperty("renderbank.allow-simulators-in-prod", Boolean.class, false);
        if (!allowSimulators) {
            if (!StringUtils.hasText(env.getProperty("renderbank.provider.kie.api-key"))) {
                problems.add(
                        "no provider key: the built-in provider simulator would run (set renderbank.provider.kie.api-key)");
            }
            if ("simulated".equals(env.getProperty("renderbank.payments.provider", "simulated"))) {
                problems.add("payments are simulated (set renderbank.payments.provider to creem or stripe)");
            }
        }
        if (env.getProperty("renderbank.download.allow-private-hosts", Boolean.class, false) && !allowSimulators) {
            problems.add(
                    "renderbank.download.allow-private-hosts=true lets provider output URLs reach internal addresses");
        }
        return problems;
    }
}
