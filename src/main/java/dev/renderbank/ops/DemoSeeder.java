package dev.renderbank.ops;

import dev.renderbank.identity.DemoAccounts;
import dev.renderbank.identity.DemoProperties;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.annotation.Order;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.stereotype.Component;

/**
 * Seeds {@code demo@renderbank.local} (with credits) and {@code admin@renderbank.local} on a
 * development run. Passwords and tokens are printed on the first start and kept in
 * {@code <data-dir>/demo-credentials.txt}; later starts only point there. Present exactly when
 * {@link DemoProperties#enabled()} is true as the application binds it ({@code on}, {@code yes} and
 * {@code 1} included), which a {@code havingValue = "true"} property condition did not follow.
 */
@Component
@Order(0)
@Conditional(DemoSeeder.Enabled.class)
class DemoSeeder implements ApplicationRunner {

    /** {@code renderbank.demo.enabled}, bound as {@link DemoProperties} binds it. */
    static class Enabled implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return Binder.get(context.getEnvironment())
                    .bindOrCreate("renderbank.demo", DemoProperties.class)
                    .enabled();
        }
    }

    static final String DEMO_EMAIL = DemoAccounts.DEMO_EMAIL;
    static final String ADMIN_EMAIL = DemoAccounts.ADMIN_EMAIL;
    private static final Logger log = LoggerFactory.getLogger(DemoSeeder.class);

    private final Users users;
    private final Ledger ledger;
    private final DemoProperties props;
    private final Path credentialsFile;

    DemoSeeder(
            Users users, Ledger ledger, DemoProperties props, @Value("${renderbank.data-dir:./data}") String dataDir) {
        this.users = users;
        this.ledger = ledger;
        this.props = props;
        this.credentialsFile = Path.of(dataDir, "demo-credentials.txt");
    }

    @Override
    public void run(ApplicationArguments args) throws IOException {
        List<String> lines = new ArrayList<>();
        java.util.Set<String> kept = kept();
        seed(DEMO_EMAIL, Role.USER, props.apiToken(), lines, kept);
        seed(ADMIN_EMAIL, Role.ADMIN, props.adminToken(), lines, kept);
        if (!lines.isEmpty()) {
            Files.createDirectories(credentialsFile.toAbsolutePath().getParent());
            Files.write(
                    credentialsFile,
                    lines,
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            try {
                Files.setPosixFilePermissions(credentialsFile, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: the file stays with default permissions
            }
            log.info(
                    "\n\n  Demo logins (shown once, also kept in {}):\n  {}\n",
                    credentialsFile,
                    String.join("\n  ", lines));
        } else {
            log.info("Demo logins: {} and {} (passwords and tokens in {})", DEMO_EMAIL, ADMIN_EMAIL, credentialsFile);
        }
    }

    /** The logins the credentials file already holds (by address). */
    private java.util.Set<String> kept() throws IOException {
        if (!Files.exists(credentialsFile)) {
            return java.util.Set.of();
        }
        java.util.Set<String> emails = new java.util.HashSet<>();
        for (String line : Files.readAllLines(credentialsFile)) {
            String[] words = line.strip().split("\\s+");
            if (words.length > 2 && words[1].equals("password")) {
                emails.add(words[0]);
            }
        }
        return emails;
    }

    /**
     * Creates the login if it is new, and shows it. One that exists but is in no credentials file (a
     * first start killed after creating the account and before writing the file, or the file removed)
     * gets a new password and token, shown and kept the same way: else nobody could sign in with it
     * until the data directory was deleted.
     */
    private void seed(String email, Role role, String fixedToken, List<String> lines, java.util.Set<String> kept) {
        boolean isNew = users.byEmail(email).isEmpty();
        String password = Users.newSecret().substring(3, 19);
        UserAccount user = users.create(email, password, role, true);
        boolean lost = !isNew && !kept.contains(email);
        if (lost) {
            users.setPassword(user.id(), password);
            log.warn("The demo login {} was in no {}: it has a new password and token", email, credentialsFile);
        }
        if (role == Role.USER && props.credits() > 0) {
            // keyed by user: a restart never grants the demo credits twice; 0 credits: no grant
            ledger.grant(
                    user.id(), props.credits(), GrantSource.SIGNUP, "demo-seed:" + user.id(), null, "demo account");
        }
        if (fixedToken != null && !fixedToken.isBlank()) {
            users.registerToken(user.id(), fixedToken, "configured demo token");
        }
        if (isNew || lost) {
            String token =
                    fixedToken != null && !fixedToken.isBlank() ? fixedToken : users.issueToken(user.id(), "demo");
            lines.add("%-24s password %s   api token %s".formatted(email, password, token));
        }
    }
}
