package dev.renderbank.platform;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * A second service start on a data directory in use stops here, before the banner, any bean or
 * any log line, so the operator sees one sentence. The lock itself is taken later, by {@link
 * DatabaseConfig}; two starts racing past this check still meet there. The operator command line
 * is let through: it connects to the running server. Registered in META-INF/spring.factories.
 */
public class DataDirectoryGuard implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        ConfigurableEnvironment env = event.getEnvironment();
        if (!DatabaseConfig.embedded(env) || DatabaseConfig.attachToRunning(env)) {
            return;
        }
        var dataDir = DatabaseConfig.dataDir(env);
        DataDirectoryOwner.owner(dataDir.resolve(EmbeddedDatabase.OWNER_FILE)).ifPresent(pid -> {
            throw new DataDirectoryInUse(dataDir, pid);
        });
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
