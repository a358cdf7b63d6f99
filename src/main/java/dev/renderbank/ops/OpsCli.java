package dev.renderbank.ops;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.Task;
import dev.renderbank.platform.DatabaseConfig;
import dev.renderbank.platform.ProcessRole;
import dev.renderbank.provider.CommandLineKeyRefusal;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;

/**
 * The operator command line: {@code java -jar renderbank.jar <command>} runs one command against
 * the configured database (same configuration as the service, no web server, no background
 * workers) and exits 0 on success, 1 on a finding or refusal, 2 on bad usage. On the default
 * embedded database it connects to the server of a running service, or runs its own while none does.
 */
public final class OpsCli {

    static final Set<String> COMMANDS = Set.of(
            "credits", "holds", "jobs", "reconcile", "users", "tokens", "switches", "disputes", "provider", "help");

    private OpsCli() {}

    /**
     * Whether {@code args} name a command: its word is the first argument that is not a {@code
     * --name=value} argument, so {@code --spring.profiles.active=prod credits show …} runs the command
     * (the first argument only, it started the whole service instead).
     */
    public static boolean isCommand(String[] args) {
        return java.util.Arrays.stream(args)
                .filter(arg -> !(arg.startsWith("--") && arg.indexOf('=') > 2))
                .findFirst()
                .filter(COMMANDS::contains)
                .isPresent();
    }

    /**
     * A start whose arguments are not a service's (only Spring {@code --key=value} and {@code --flag}
     * arguments are) nor a command: a misspelt command ({@code credit show …}), a command's word in
     * the wrong place, {@code -h} or {@code --help}. It prints the usage (to {@code err}) and returns
     * the exit code (0 for a request for help, 2 otherwise) instead of starting the service: a typo
     * used to start a whole node, web server and background workers included, on whatever database
     * the environment names.
     *
     * @return empty when the arguments start the service
     */
    public static java.util.OptionalInt refuseStart(String[] args, java.io.PrintStream err) {
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h") || arg.equals("-help")) {
                err.println(OpsCommands.HELP);
                return java.util.OptionalInt.of(OpsCommands.OK);
            }
        }
        java.util.Optional<String> stray = java.util.Arrays.stream(args)
                .filter(arg -> !(arg.startsWith("--") && arg.length() > 2))
                .findFirst();
        if (stray.isEmpty()) {
            return java.util.OptionalInt.empty();
        }
        err.println("error: unknown command '" + stray.get() + "' (nothing was started; the service takes only"
                + " --key=value arguments)");
        err.println(OpsCommands.HELP);
        return java.util.OptionalInt.of(OpsCommands.USAGE);
    }

    /** The settings among {@code args} ({@link #isSpringArgument}) configure the application, as for the service. */
    static String[] springArguments(String[] args) {
        return java.util.Arrays.stream(args).filter(OpsCli::isSpringArgument).toArray(String[]::new);
    }

    /**
     * A setting for Spring, not an option of the command: {@code --name=value} whose name has a dot
     * ({@code --spring.profiles.active=prod}, {@code --renderbank.ops.max-grant=500}, {@code
     * --logging.level.root=INFO}). No option of a command has one; any other {@code --name} must be
     * one the command takes ({@link OpsArguments#OPTIONS}), else it is bad usage: it used to go to
     * Spring as a setting, and a misspelt option was ignored.
     */
    static boolean isSpringArgument(String arg) {
        int eq = arg.indexOf('=');
        return arg.startsWith("--") && eq > 2 && arg.substring(2, eq).contains(".");
    }

    /** The command line's own setting, set by {@link #start}; an argument naming it is bad usage. */
    static final String ATTACH_TO_RUNNING = "renderbank.embedded-db.attach-to-running";

    /**
     * A setting naming {@link #ATTACH_TO_RUNNING} in any of Spring's relaxed forms ({@code
     * --renderbank.embeddedDb.attachToRunning=…}): {@code =false} started a second embedded server in
     * the command, whose early start migrated the database.
     */
    static boolean isOwnSetting(String arg) {
        String name = arg.substring(2, arg.indexOf('='));
        return ConfigurationPropertyName.adapt(name, '.').equals(ConfigurationPropertyName.of(ATTACH_TO_RUNNING));
    }

    /** Exit code: the command could not run or failed on an unexpected error (its one-line cause printed). */
    static final int FAILED = 3;

    /** The application class comes from the caller so that ops does not depend on the root package. */
    public static int run(Class<?> application, String[] args) {
        return run(application, args, System.out, System.err);
    }

    static int run(Class<?> application, String[] args, PrintStream out, PrintStream err) {
        // bad usage and help answer before any connection: nothing is started for them
        OpsArguments parsed = OpsArguments.parse(args);
        if (parsed instanceof OpsArguments.Refused refused) {
            out.println("error: " + refused.problem());
            out.println(OpsCommands.HELP);
            return OpsCommands.USAGE;
        }
        List<String> words = ((OpsArguments.Parsed) parsed).words();
        if (words.isEmpty() || words.get(0).equals("help")) {
            out.println(OpsCommands.HELP);
            return OpsCommands.OK;
        }
        ConfigurableApplicationContext context;
        try {
            context = start(application, args);
        } catch (RuntimeException e) {
            return failed(e, "not run", out, err);
        }
        try (context) {
            int code = context.getBean(OpsCommands.class).execute(args, out, err);
            return keyRefused(context.getBean(CommandLineKeyRefusal.class), code, out);
        } catch (RuntimeException e) {
            return failed(e, "failed", out, err);
        }
    }

    /**
     * The provider refused this command's key (401): the operator's shell has a stale or wrong
     * {@code renderbank.provider.kie.api-key}. Said in one line, exit {@link #FAILED} (what needed the
     * provider was not done); the provider status every node shares is left as it is.
     */
    static int keyRefused(CommandLineKeyRefusal refusal, int code, PrintStream out) {
        return refusal.refusal()
                .map(e -> {
                    out.println(("error: KIE refused this command's API key (" + e.code() + ": " + e.message()
                                    + "): the renderbank.provider.kie.api-key this command runs with is stale or"
                                    + " wrong (give it the service's key); what needed KIE was not done, and the"
                                    + " provider status the service's nodes share was left as it was")
                            .replaceAll("\\s+", " "));
                    return FAILED;
                })
                .orElse(code);
    }

    private static ConfigurableApplicationContext start(Class<?> application, String[] args) {
        return new SpringApplicationBuilder(application)
                .web(WebApplicationType.NONE)
                .logStartupInfo(false)
                .initializers(starting -> {
                    // Above every other source: as a default property (lowest), application.yml's
                    // "enabled: true" won, and each command started a scheduler that ran due work
                    // (a job's submit, emails) until the command exited, cutting it short.
                    // renderbank.command-line: the schema is checked, never migrated (DatabaseConfig).
                    starting.getEnvironment()
                            .getPropertySources()
                            .addFirst(new MapPropertySource(
                                    "renderbank-command-line",
                                    Map.of("db-scheduler.enabled", "false", ProcessRole.PROPERTY, "true")));
                    ((GenericApplicationContext) starting)
                            .registerBean(SchedulerClient.class, () -> writeOnlyScheduler(starting));
                })
                .properties(
                        "renderbank.demo.enabled=false",
                        "logging.level.root=WARN",
                        // a failed start is reported here in one line, its stack trace on stderr
                        "logging.level.org.springframework.boot.SpringApplication=OFF",
                        "logging.level.org.springframework.boot.diagnostics=OFF",
                        "logging.level.org.springframework.context.annotation.AnnotationConfigApplicationContext=ERROR",
                        // with the default embedded database, use the running service's server (a default
                        // property: read by DataDirectoryGuard before any initializer runs; an argument
                        // naming it is refused, see isOwnSetting)
                        ATTACH_TO_RUNNING + "=true")
                .run(springArguments(args));
    }

    /**
     * An unexpected failure: its cause in one line on {@code out} (a schema of another release says
     * what to do), the stack trace on {@code err} (not for a schema mismatch, which is no bug).
     */
    static int failed(Throwable e, String what, PrintStream out, PrintStream err) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
            if (cause instanceof DatabaseConfig.SchemaMismatch) {
                break;
            }
        }
        if (!(cause instanceof DatabaseConfig.SchemaMismatch)) {
            e.printStackTrace(err);
        }
        String message = cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage();
        out.println("error: " + what + ": " + message.replaceAll("\\s+", " ").trim());
        out.println(
                what.equals("not run")
                        ? "(nothing was done)"
                        : "(an operator action is made with its audit record in one transaction: a failed one changed nothing)");
        return FAILED;
    }

    /**
     * The command line runs no db-scheduler (it executes nothing: the service's nodes do), but its
     * changes still schedule work in their own transactions: a grant's and a failed job's durable
     * events, a late delivery's check. A client of the scheduler's table that only writes, with no
     * threads, joining the command's transaction as the service's does (the same table, the default
     * serializer). Without it such a command rolled back and ended on a stack trace.
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static SchedulerClient writeOnlyScheduler(ApplicationContext context) {
        List<Task<?>> tasks =
                (List) List.copyOf(context.getBeansOfType(Task.class).values());
        return SchedulerClient.Builder.create(
                        new TransactionAwareDataSourceProxy(context.getBean(DataSource.class)), tasks)
                .tableName(context.getEnvironment().getProperty("db-scheduler.table-name", "scheduled_tasks"))
                .build();
    }
}
