package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * The embedded database's early start (which runs Flyway's migrations beside the context) never runs
 * in the operator command line, whatever {@code renderbank.embedded-db.attach-to-running} says (an
 * environment variable, a configuration file): a command checks the schema and never migrates one
 * (CommandLineSchemaTest), and with {@code attach-to-running=false} the early start migrated the
 * database before that check. The command line's data source opens the database itself ({@link
 * DatabaseConfig}). A node of the service still starts early.
 */
class CommandLineEarlyStartTest {

    @TempDir
    Path dataDir;

    @Test
    void aCommandLineNeverStartsTheEmbeddedDatabaseEarly() throws Exception {
        GenericApplicationContext context = context(Map.of(
                ProcessRole.PROPERTY,
                "true",
                "renderbank.embedded-db.attach-to-running",
                "false",
                "renderbank.data-dir",
                dataDir.toString()));
        try {
            new EmbeddedDatabaseEarlyStart()
                    .onApplicationEvent(new ApplicationPreparedEvent(new SpringApplication(), new String[0], context));

            assertThat(context.getBeanFactory().containsSingleton(EmbeddedDatabaseEarlyStart.BEAN))
                    .as("no early start (nor its migrations) in a command")
                    .isFalse();
        } finally {
            if (context.getBeanFactory().containsSingleton(EmbeddedDatabaseEarlyStart.BEAN)) {
                ((DisposableBean) context.getBeanFactory().getSingleton(EmbeddedDatabaseEarlyStart.BEAN)).destroy();
            }
        }
    }

    @Test
    void processRoleIsReadFromTheCommandLinesSetting() {
        assertThat(ProcessRole.of(context(Map.of(ProcessRole.PROPERTY, "true")).getEnvironment()))
                .isEqualTo(ProcessRole.COMMAND_LINE);
        assertThat(ProcessRole.of(context(Map.of()).getEnvironment())).isEqualTo(ProcessRole.SERVICE);
    }

    private static GenericApplicationContext context(Map<String, Object> properties) {
        GenericApplicationContext context = new GenericApplicationContext();
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("test", properties));
        return context;
    }
}
