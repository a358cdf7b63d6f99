package dev.renderbank.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.generation.OperatorJobs;
import dev.renderbank.generation.internal.CallbackChecks;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.provider.simulator.KieSimulator;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Tests that go over every route of the application ({@link Routes}) as signed-in callers: the
 * routes, sign-in with the CSRF token a page carries, a fresh admin. Adds no configuration, so it
 * shares the {@link IntegrationTest} context.
 */
public abstract class EveryRouteTest extends IntegrationTest {

    public static final String PASSWORD = "correct horse battery staple";
    private static final Pattern META_CSRF = Pattern.compile("<meta name=\"_csrf\" content=\"([^\"]+)\"");

    @LocalServerPort
    protected int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    protected RequestMappingHandlerMapping mappings;

    @Autowired
    protected TestUsers testUsers;

    @Autowired
    protected Users users;

    @Autowired
    protected JdbcClient jdbc;

    @Autowired
    protected OperatorJobs operatorJobs;

    @Autowired
    protected KieSimulator simulator;

    @Autowired
    private Ledger heldCredits;

    @Autowired
    protected CallbackChecks callbackChecks;

    protected final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A browser session and the CSRF token its pages carry. */
    public record Session(BrowserSession browser, String csrf) {}

    /** An admin with an API token; sign in with {@link #signIn} and {@link #PASSWORD}. */
    public record Admin(String email, String token) {}

    /**
     * Before counting business rows around requests: stops jobs earlier classes left running and
     * waits for the background work of the set-up to end ({@link BackgroundWork#settle}).
     */
    protected void settleBackgroundWork() {
        BackgroundWork.settle(jdbc, operatorJobs, simulator, callbackChecks);
        // holds earlier classes reserved straight in the ledger (no job owns them: every job was
        // ended above) would expire during the counting, their release counted as a request's write
        jdbc.sql("select hold_key from credit_hold where state = 'OPEN'")
                .query(String.class)
                .list()
                .forEach(key -> heldCredits.release(key, "settled before counting rows"));
    }

    /** The application's own routes (not springdoc's or Boot's error controller). */
    protected List<Routes.Route> applicationRoutes() {
        return Routes.of(mappings).stream()
                .filter(r -> Routes.application(mappings, r))
                .toList();
    }

    protected Session signIn(String email, String page) throws Exception {
        BrowserSession s = BrowserSession.signIn(port, email, PASSWORD);
        Matcher m = META_CSRF.matcher(s.get(page).body());
        assertThat(m.find()).as(page + " carries a CSRF token").isTrue();
        return new Session(s, m.group(1));
    }

    protected Admin newAdmin() {
        String email = "ops-" + UUID.randomUUID() + "@test.local";
        long id = users.create(email, PASSWORD, Role.ADMIN, true).id();
        return new Admin(email, users.issueToken(id, "every-route"));
    }
}
