package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Which start of the jar is a command: the command word is the first argument that is not a Spring
 * {@code --key=value} argument, wherever an operator put those (the README runs with
 * {@code --spring.profiles.active=prod}); anything else starts the service.
 */
class OpsCliTest {

    @Test
    void springArgumentsBeforeTheCommandWordStillMakeItACommand() {
        assertThat(OpsCli.isCommand(new String[] {
                    "--spring.profiles.active=prod",
                    "credits",
                    "grant",
                    "u@x",
                    "500",
                    "--reason",
                    "r",
                    "--actor",
                    "alice"
                }))
                .isTrue();
        assertThat(OpsCli.isCommand(
                        new String[] {"--spring.datasource.url=jdbc:postgresql://db/x", "--a=b", "jobs", "stuck"}))
                .isTrue();
        assertThat(OpsCli.isCommand(new String[] {"holds", "summary", "--spring.profiles.active=prod"}))
                .isTrue();
    }

    @Test
    void theCommandsOwnOptionsWithAnEqualsSignAreNotSpringArguments() {
        assertThat(OpsCli.isSpringArgument("--reason=lost purchase")).isFalse();
        assertThat(OpsCli.isSpringArgument("--older-than=2h")).isFalse();
        assertThat(OpsCli.isSpringArgument("--spring.profiles.active=prod")).isTrue();
        assertThat(OpsCli.springArguments(
                        new String[] {"--server.port=0", "jobs", "stuck", "--older-than=2h", "--actor=alice"}))
                .containsExactly("--server.port=0");
    }

    /** Closing a Creem dispute is a command: without its word in the list the jar started the service. */
    @Test
    void disputesCloseIsACommand() {
        assertThat(OpsCli.isCommand(new String[] {
                    "disputes", "close", "disp_1", "won", "--reason=Creem shows it won", "--actor", "alice"
                }))
                .isTrue();
    }

    @Test
    void withoutACommandWordItIsTheService() {
        assertThat(OpsCli.isCommand(new String[] {})).isFalse();
        assertThat(OpsCli.isCommand(new String[] {"--spring.profiles.active=prod"}))
                .isFalse();
        assertThat(OpsCli.isCommand(new String[] {"--spring.profiles.active=prod", "--server.port=8081"}))
                .isFalse();
        assertThat(OpsCli.isCommand(new String[] {"--spring.profiles.active=prod", "serve", "credits"}))
                .as("the first word decides")
                .isFalse();
        assertThat(refused(new String[] {})).isEmpty();
        assertThat(refused(new String[] {"--spring.profiles.active=prod", "--server.port=8081", "--debug"}))
                .as("Spring's --key=value arguments and --flags start the service")
                .isEmpty();
    }

    /** Anything else is not the service: bad usage (2), or a request for help (0); nothing starts. */
    @Test
    void aWordThatIsNoCommandIsBadUsageAndStartsNothing() {
        assertThat(refused(new String[] {"credit", "show", "a@b.c"})).hasValue(2);
        assertThat(refused(new String[] {"--spring.profiles.active=prod", "serve", "credits"}))
                .hasValue(2);
        assertThat(refused(new String[] {"-x"})).hasValue(2);
        assertThat(refused(new String[] {"--help"})).hasValue(0);
        assertThat(refused(new String[] {"-h"})).hasValue(0);
    }

    /**
     * {@code renderbank.embedded-db.attach-to-running} is the command line's own setting: given as
     * {@code =false}, a command started an embedded server of its own whose early start ran Flyway's
     * migrations (a command never migrates a database that has a schema). Bad usage naming it;
     * nothing is started (no server in the data directory).
     */
    @Test
    void theCommandLinesOwnDatabaseSettingIsBadUsageAndStartsNothing(@org.junit.jupiter.api.io.TempDir Path dir) {
        for (String setting : new String[] {
            "--renderbank.embedded-db.attach-to-running=false",
            "--renderbank.embeddedDb.attachToRunning=false",
            "--renderbank.embedded-db.attach-to-running=true"
        }) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
            int code = OpsCli.run(
                    dev.renderbank.RenderbankApplication.class,
                    new String[] {"holds", "summary", setting, "--renderbank.data-dir=" + dir},
                    out,
                    out);
            String printed = bytes.toString(StandardCharsets.UTF_8);
            assertThat(code).as(printed).isEqualTo(OpsCommands.USAGE);
            assertThat(printed).as(setting).contains("error: the setting renderbank.embedded-db.attach-to-running");
            assertThat(dir.resolve("postgres")).as("no server started").doesNotExist();
        }
    }

    private static java.util.OptionalInt refused(String[] args) {
        return OpsCli.refuseStart(args, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    }
}
