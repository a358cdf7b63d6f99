package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.renderbank.support.IntegrationTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A transaction whose server process is terminated by PostgreSQL's shutdown just before it commits:
 * the commit fails (57P01), the pool closes the connection, and the rollback Spring then attempts
 * fails on the closed connection. Spring throws the rollback's failure and only logs the commit's,
 * so the exception the request sees says "Connection is closed" and nothing about the shutdown.
 * Seen in the bank test as a 500 from the Creem webhook during the database restart. It is an
 * outage (503 with Retry-After; the provider redelivers and the stored key answers it), not a bug.
 */
class CommitCutByShutdownTest extends IntegrationTest {

    @Autowired
    DataSource dataSource;

    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void aCommitWhoseConnectionTheShutdownCutIsAnOutage() {
        JdbcClient jdbc = JdbcClient.create(dataSource);
        Throwable thrown = catchThrowable(() -> new TransactionTemplate(transactions).executeWithoutResult(tx -> {
            int pid = jdbc.sql("select pg_backend_pid()").query(Integer.class).single();
            // another connection, outside the transaction, does what a shutdown does to every session
            try (Connection other = dataSource.getConnection();
                    PreparedStatement terminate = other.prepareStatement("select pg_terminate_backend(?::int)")) {
                terminate.setInt(1, pid);
                terminate.executeQuery().close();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }));

        assertThat(thrown).isNotNull();
        assertThat(DatabaseOutage.causedBy(thrown))
                .as("%s is an outage", thrown)
                .isTrue();
    }
}
