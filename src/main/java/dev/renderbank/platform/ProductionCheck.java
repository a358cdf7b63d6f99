package dev.renderbank.platform;

import java.util.List;
import org.springframework.boot.context.properties.bind.Binder;

/**
 * One module's rules for the {@code prod} profile, run by {@link ProductionGuard} before any bean
 * exists. A check binds the same typed properties its module runs on (records, enums, booleans),
 * so relaxed names and letter case are read exactly as the application reads them; it never
 * compares raw strings. Implementations are listed in {@code META-INF/spring.factories}, which
 * keeps the guard in {@code platform} while each rule lives next to the setting it guards.
 */
public interface ProductionCheck {

    /** What would be unsafe in production with this configuration, one sentence each; empty if nothing. */
    List<String> problems(Binder config);

    /** A {@code renderbank.*} switch, bound as a boolean (so {@code TRUE} and {@code true} agree). */
    static boolean enabled(Binder config, String name) {
        return config.bind(name, Boolean.class).orElse(false);
    }
}
