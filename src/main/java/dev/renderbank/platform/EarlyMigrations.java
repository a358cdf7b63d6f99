package dev.renderbank.platform;

import dev.renderbank.platform.DatabaseConfig.DatabaseLocation;
import java.util.Optional;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * Flyway's migrations of the embedded database, run on the thread that started the server
 * ({@link EmbeddedDatabaseEarlyStart}) right after it is ready, while the main thread goes on
 * creating the context: on a first start the migrations (~2 s) no longer sit on the main thread
 * between the data source and the rest of the beans (docs/BENCHMARKS.md, "First start of the
 * default run"). Connections wait for them ({@link MigratedDataSource}), and so does every
 * lifecycle (the scheduler, the listener, Tomcat): nothing runs on a half-migrated schema, and a
 * failed migration fails the start with Flyway's own exception.
 *
 * <p>Only for the configuration this project ships: {@code spring.flyway.locations} (and {@code
 * enabled}). Any other {@code spring.flyway.*} setting leaves the migrations to Spring Boot's
 * Flyway on the main thread, as before, rather than half-copying what Spring Boot makes of it; so
 * does an external database ({@code DATABASE_URL}), where no server start overlaps the context.
 */
final class EarlyMigrations {

    private static final ConfigurationPropertyName FLYWAY = ConfigurationPropertyName.of("spring.flyway");
    private static final Set<String> HANDLED = Set.of("locations", "enabled");
    private static final String DEFAULT_LOCATION = "classpath:db/migration";
    /** Flyway's connections' {@code application_name} (visible in {@code pg_stat_activity}). */
    static final String APPLICATION_NAME = "renderbank-migrations";

    private final String[] locations;

    private EarlyMigrations(String[] locations) {
        this.locations = locations;
    }

    /** Empty when Spring Boot's Flyway must migrate on the main thread (see the class comment). */
    static Optional<EarlyMigrations> plan(Environment env) {
        Binder binder = Binder.get(env);
        if (!binder.bind("spring.flyway.enabled", Boolean.class).orElse(true) || othersSet(env)) {
            return Optional.empty();
        }
        String[] locations =
                binder.bind("spring.flyway.locations", String[].class).orElse(new String[] {DEFAULT_LOCATION});
        for (String location : locations) {
            if (location.contains("{vendor}")) {
                return Optional.empty(); // Spring Boot resolves that placeholder from the data source
            }
        }
        return Optional.of(new EarlyMigrations(locations));
    }

    private static boolean othersSet(Environment env) {
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(env)) {
            if (source instanceof IterableConfigurationPropertySource names
                    && names.filter(FLYWAY::isAncestorOf).stream()
                            .anyMatch(name -> !HANDLED.contains(name.getElement(2, Form.UNIFORM)))) {
                return true;
            }
        }
        return false;
    }

    /** Migrates the database at {@code location}; Flyway's exception when a migration fails. */
    void migrate(DatabaseLocation location) {
        Flyway.configure(EarlyMigrations.class.getClassLoader())
                .dataSource(
                        location.url() + (location.url().contains("?") ? "&" : "?") + "ApplicationName="
                                + APPLICATION_NAME,
                        location.username(),
                        location.password())
                .locations(locations)
                .loggers("slf4j")
                .load()
                .migrate();
    }
}
