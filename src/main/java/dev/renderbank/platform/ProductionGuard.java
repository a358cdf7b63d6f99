package dev.renderbank.platform;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.support.SpringFactoriesLoader;

/**
 * The {@code prod} profile refuses to start with development conveniences. Each module states its
 * own rules as a {@link ProductionCheck} (demo users, the provider simulator, simulated payments);
 * the guard adds the platform's: a public https URL that is not this machine ({@link
 * PublicUrlSetting}) and an external database unless the embedded one is chosen on purpose. Runs
 * before any bean exists, so nothing touches the database first. Registered in
 * META-INF/spring.factories.
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
        Binder config = Binder.get(env);
        List<String> problems = new ArrayList<>();
        try {
            PublicUrlSetting.configured(config)
                    .ifPresentOrElse(
                            url -> PublicUrlSetting.productionProblem(url).ifPresent(problems::add),
                            () -> problems.add("renderbank.public-url is not set: provider callbacks and links"
                                    + " would point at localhost"));
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (DatabaseConfig.embedded(env) && !ProductionCheck.enabled(config, "renderbank.allow-embedded-db-in-prod")) {
            problems.add("no DATABASE_URL or spring.datasource.url: the embedded PostgreSQL (trust authentication"
                    + " for every local process, data on this machine only) would hold the money; set one, or"
                    + " renderbank.allow-embedded-db-in-prod=true to choose it on purpose");
        }
        for (ProductionCheck check :
                SpringFactoriesLoader.loadFactories(ProductionCheck.class, ProductionGuard.class.getClassLoader())) {
            problems.addAll(check.problems(config, env));
        }
        return problems;
    }
}
