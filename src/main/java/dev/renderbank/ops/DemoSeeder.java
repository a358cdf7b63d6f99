package dev.renderbank.ops;

import dev.renderbank.identity.ApiToken;
import dev.renderbank.identity.ApiTokens;
import dev.renderbank.identity.DemoAccounts;
import dev.renderbank.identity.DemoProperties;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Seeds {@code demo@renderbank.local} (with credits) and {@code admin@renderbank.local} on a
 * development run. Passwords and tokens are printed on the first start and kept in
 * {@code <data-dir>/demo-credentials.txt}; later starts only point there. Present exactly when
 * {@link DemoProperties#enabled()} is true as the application binds it ({@code on}, {@code yes} and
 * {@code 1} included), which a {@code havingValue = "true"} property condition did not follow.
 *
 * <p>Several nodes on one database each have their own data directory: the node that creates a login
 * keeps it in its file and names that file (host and path) in the name of an API token it gives the
 * login, and another node that finds the login missing from its own file points there instead of
 * giving it a new password (which signed out the first node's printed login). Nodes seed one at a
 * time (a transaction-scoped advisory lock), so two starting together on an empty database do not
 * both print a password of which only one was stored.
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
    /** The start of the name of the token that says where a demo login is kept. */
    static final String KEPT_IN = "demo login kept in ";

    private static final Logger log = LoggerFactory.getLogger(DemoSeeder.class);

    private final Users users;
    private final ApiTokens tokens;
    private final Ledger ledger;
    private final DemoProperties props;
    private final TransactionTemplate tx;
    private final JdbcClient jdbc;
    private final Path credentialsFile;
    private final String keptHere;

    DemoSeeder(
            Users users,
            ApiTokens tokens,
            Ledger ledger,
            DemoProperties props,
            TransactionTemplate tx,
            JdbcClient jdbc,
            @Value("${renderbank.data-dir:./data}") String dataDir) {
        this.users = users;
        this.tokens = tokens;
        this.ledger = ledger;
        this.props = props;
        this.tx = tx;
        this.jdbc = jdbc;
        this.credentialsFile = Path.of(dataDir, "demo-credentials.txt");
        String name = KEPT_IN + host() + ":" + credentialsFile.toAbsolutePath().normalize();
        this.keptHere = name.length() > ApiTokens.MAX_NAME_LENGTH ? name.substring(0, ApiTokens.MAX_NAME_LENGTH) : name;
    }

    /** The logins this run created or renewed (to write and show), and those kept by another node. */
    private record Seeded(List<String> lines, List<String> keptElsewhere) {}

    @Override
    public void run(ApplicationArguments args) throws IOException {
        Set<String> kept = kept();
        Seeded seeded = tx.execute(status -> {
            jdbc.sql("select pg_advisory_xact_lock(hashtextextended('ops-demo-seed', 0))")
                    .query((rs, n) -> 1)
                    .list();
            Seeded s = new Seeded(new ArrayList<>(), new ArrayList<>());
            seed(DEMO_EMAIL, Role.USER, props.apiToken(), kept, s);
            seed(ADMIN_EMAIL, Role.ADMIN, props.adminToken(), kept, s);
            return s;
        });
        List<String> lines = seeded.lines();
        if (!lines.isEmpty()) {
            Files.createDirectories(credentialsFile.toAbsolutePath().getParent());
            Files.write(credentialsFile, lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            try {
                Files.setPosixFilePermissions(credentialsFile, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: the file stays with default permissions
            }
            log.info(
                    "\n\n  Demo logins (shown once, also kept in {}):\n  {}\n",
                    credentialsFile,
                    String.join("\n  ", lines));
        }
        if (!seeded.keptElsewhere().isEmpty()) {
            log.info(
                    "Demo logins created by another node on this database, passwords and tokens in its file: {}",
                    String.join("; ", seeded.keptElsewhere()));
        }
        if (lines.isEmpty() && seeded.keptElsewhere().isEmpty()) {
            log.info("Demo logins: {} and {} (passwords and tokens in {})", DEMO_EMAIL, ADMIN_EMAIL, credentialsFile);
        }
    }

    /** The logins the credentials file already holds (by address). */
    private Set<String> kept() throws IOException {
        if (!Files.exists(credentialsFile)) {
            return Set.of();
        }
        Set<String> emails = new HashSet<>();
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
     * until the data directory was deleted. One that another node's file keeps is left as it is.
     */
    private void seed(String email, Role role, String fixedToken, Set<String> kept, Seeded seeded) {
        Optional<UserAccount> existing = users.byEmail(email);
        Optional<String> elsewhere = existing.filter(u -> !kept.contains(email)).flatMap(u -> keptElsewhere(u.id()));
        String password = Users.newSecret().substring(3, 19);
        UserAccount user = existing.orElseGet(() -> users.create(email, password, role, true));
        boolean lost = existing.isPresent() && !kept.contains(email) && elsewhere.isEmpty();
        if (lost) {
            users.setPassword(user.id(), password);
            log.warn("The demo login {} was in no {}: it has a new password and token", email, credentialsFile);
        }
        if (role == Role.USER && props.credits() > 0) {
            // keyed by user: a restart never grants the demo credits twice; 0 credits: no grant
            ledger.grant(
                    user.id(), props.credits(), GrantSource.SIGNUP, "demo-seed:" + user.id(), null, "demo account");
        }
        boolean fixed = fixedToken != null && !fixedToken.isBlank();
        if (fixed) {
            users.registerToken(user.id(), fixedToken, "configured demo token");
        }
        if (existing.isEmpty() || lost) {
            // its name says where this login is kept, for the other nodes (with a configured token
            // too, which may have been registered before with another name)
            String issued = users.issueToken(user.id(), keptHere);
            seeded.lines()
                    .add("%-24s password %s   api token %s".formatted(email, password, fixed ? fixedToken : issued));
        } else {
            elsewhere.ifPresent(where -> seeded.keptElsewhere().add(email + " in " + where));
        }
    }

    /** Where another node keeps the user's demo login: the newest such token's, unless it is this node's. */
    private Optional<String> keptElsewhere(long userId) {
        return tokens.list(userId).stream()
                .map(ApiToken::name)
                .filter(name -> name.startsWith(KEPT_IN))
                .findFirst()
                .filter(name -> !name.equals(keptHere))
                .map(name -> name.substring(KEPT_IN.length()));
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
