package dev.renderbank.support;

import java.util.Map;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/** Points each new test application context at its own fresh database on the shared server. */
public class FreshDatabaseInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        String url = SharedPostgres.newDatabase();
        context.getEnvironment()
                .getPropertySources()
                .addFirst(new MapPropertySource(
                        "test-database",
                        Map.of(
                                "spring.datasource.url", url,
                                "spring.datasource.username", "postgres",
                                "spring.datasource.password", "postgres")));
    }
}
