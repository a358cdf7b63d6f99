package dev.renderbank.ops;

import java.util.Set;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The operator command line: {@code java -jar renderbank.jar <command>} runs one command against
 * the configured database (same configuration as the service, no web server, no background
 * workers) and exits 0 on success, 1 on a finding or refusal, 2 on bad usage. On the default
 * embedded database it connects to the server of a running service, or runs its own while none does.
 */
public final class OpsCli {

    static final Set<String> COMMANDS =
            Set.of("credits", "holds", "jobs", "reconcile", "users", "tokens", "switches", "help");

    private OpsCli() {}

    public static boolean isCommand(String[] args) {
        return args.length > 0 && COMMANDS.contains(args[0]);
    }

    /** {@code --key=value} arguments configure the application, as they do for the service. */
    static String[] springArguments(String[] args) {
        return java.util.Arrays.stream(args).filter(OpsCli::isSpringArgument).toArray(String[]::new);
    }

    static boolean isSpringArgument(String arg) {
        return arg.startsWith("--") && arg.contains("=");
    }

    /** The application class comes from the caller so that ops does not depend on the root package. */
    public static int run(Class<?> application, String[] args) {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(application)
                .web(WebApplicationType.NONE)
                .logStartupInfo(false)
                .properties(
                        "db-scheduler.enabled=false",
                        "renderbank.demo.enabled=false",
                        "logging.level.root=WARN",
                        // with the default embedded database, use the running service's server
                        "renderbank.embedded-db.attach-to-running=true")
                .run(springArguments(args))) {
            return context.getBean(OpsCommands.class).execute(args, System.out);
        }
    }
}
