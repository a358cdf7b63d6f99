package dev.renderbank.platform;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * What this process is: a node of the service, or one run of the operator command line ({@code
 * java -jar renderbank.jar <command>}, which sets {@link #PROPERTY} itself, above every other
 * source). A bean, so a module asks for it by type instead of reading the property: the command line
 * checks the schema and never migrates it ({@link DatabaseConfig}), and never changes the provider
 * status every node shares on an answer to its own key (the provider module).
 */
public enum ProcessRole {
    SERVICE,
    COMMAND_LINE;

    /** Set to true by the operator command line only. */
    public static final String PROPERTY = "renderbank.command-line";

    /** The role {@code env} describes (bound as a boolean: a value other than true/false fails the start). */
    public static ProcessRole of(Environment env) {
        return Binder.get(env).bind(PROPERTY, Boolean.class).orElse(false) ? COMMAND_LINE : SERVICE;
    }

    @Configuration(proxyBeanMethods = false)
    static class Config {
        @Bean
        ProcessRole processRole(Environment env) {
            return ProcessRole.of(env);
        }
    }
}
