package dev.renderbank.support;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Takes the application's database away and brings it back, the way {@code DatabaseOutageTest} makes
 * it unreachable: while down, every connection the application asks for comes from a real
 * PostgreSQL driver and pool pointed at a closed port, so the failures are the ones an outage raises
 * (Hikari's {@code SQLTransientConnectionException} after its connection timeout). {@link
 * #downFor(Predicate)} takes it away only for the borrowers a test names (by the application frames
 * on the borrowing thread's stack): a database that drops between two steps of one request.
 * Import {@link Config} into an {@link IntegrationTest}; it gets a context of its own.
 */
public final class DatabaseSwitch extends DelegatingDataSource {

    private static volatile Predicate<StackWalker.StackFrame> down = f -> false;
    private static volatile boolean allDown;
    private static volatile HikariDataSource closed;

    private static final HikariDataSource CLOSED_PORT = closedPort(250, "closed-port");

    /** Waits for a connection as long as production's pool does (application.yml), lazily made. */
    private static HikariDataSource slowClosedPort;

    DatabaseSwitch(DataSource target) {
        super(target);
    }

    /** Every connection fails until {@link #up()}. */
    public static void down() {
        closed = CLOSED_PORT;
        allDown = true;
    }

    /**
     * Every connection fails until {@link #up()}, each after the 5 s production's pool waits for one
     * (application.yml's {@code connection-timeout}), as a borrower meets a real outage.
     */
    public static synchronized void downWaitingLikeProduction() {
        if (slowClosedPort == null) {
            slowClosedPort = closedPort(5000, "closed-port-5s");
        }
        closed = slowClosedPort;
        allDown = true;
    }

    /** Connections borrowed with a frame matching {@code borrower} on the stack fail until {@link #up()}. */
    public static void downFor(Predicate<StackWalker.StackFrame> borrower) {
        down = borrower;
    }

    public static void up() {
        allDown = false;
        down = f -> false;
        closed = CLOSED_PORT;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return unreachable() ? closedPool().getConnection() : super.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return unreachable() ? closedPool().getConnection() : super.getConnection(username, password);
    }

    private static HikariDataSource closedPool() {
        HikariDataSource pool = closed;
        return allDown && pool != null ? pool : CLOSED_PORT;
    }

    private static boolean unreachable() {
        if (allDown) {
            return true;
        }
        Predicate<StackWalker.StackFrame> borrower = down;
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(borrower));
    }

    private static HikariDataSource closedPort(long connectionTimeoutMillis, String name) {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + port + "/renderbank");
        config.setConnectionTimeout(connectionTimeoutMillis);
        config.setInitializationFailTimeout(-1);
        config.setPoolName(name);
        return new HikariDataSource(config);
    }

    @TestConfiguration(proxyBeanMethods = false)
    public static class Config {
        @Bean
        static BeanPostProcessor databaseSwitch() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    return bean instanceof DataSource ds && name.equals("dataSource") ? new DatabaseSwitch(ds) : bean;
                }
            };
        }
    }
}
