package dev.renderbank.platform;

import java.util.List;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.PropertyResolver;

/**
 * One module's rules for the {@code prod} profile, run by {@link ProductionGuard} before any bean
 * exists. A check binds the same typed properties its module runs on (records, enums, booleans),
 * so relaxed names and letter case are read exactly as the application reads them; it never
 * compares raw strings. Implementations are listed in {@code META-INF/spring.factories}, which
 * keeps the guard in {@code platform} while each rule lives next to the setting it guards.
 */
public interface ProductionCheck {

    /** What would be unsafe in production with this configuration, one sentence each; empty if nothing. */
    default List<String> problems(Binder config) {
        return List.of();
    }

    /**
     * The same, for a module that also reads a name from the {@code Environment} as it is: the
     * payment secrets ({@code STRIPE_WEBHOOK_SECRET}, …) are looked up by that exact name, which no
     * relaxed property name reaches, so their check must read them the same way. Calls {@link
     * #problems(Binder)} unless overridden.
     */
    default List<String> problems(Binder config, PropertyResolver env) {
        return problems(config);
    }

    /**
     * Whether mail leaves the machine: the condition Spring Boot creates its mail sender on, a
     * {@code spring.mail.host} that is set and not "false".
     */
    static boolean mailLeaves(Binder config) {
        return config.bind("spring.mail.host", String.class)
                .map(ProductionCheck::mailHostSet)
                .orElse(false);
    }

    /** Whether {@code host} (a {@code spring.mail.host}) names an SMTP server: set, not blank, not "false". */
    static boolean mailHostSet(String host) {
        return host != null && !host.isBlank() && !host.strip().equalsIgnoreCase("false");
    }

    /** A {@code renderbank.*} switch, bound as a boolean (so {@code TRUE} and {@code true} agree). */
    static boolean enabled(Binder config, String name) {
        return config.bind(name, Boolean.class).orElse(false);
    }
}
