package dev.renderbank.platform;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The pool, whose first connection waits until the migrations running beside the context ({@link
 * EarlyMigrations}) are done: whatever asks for one earlier (a bean's start-up query, the
 * scheduler's threads) waits, and gets Flyway's exception if they failed. The pool itself starts
 * only after that wait, so no pooled connection exists on a half-migrated schema.
 */
final class MigratedDataSource extends HikariDataSource {

    private final Runnable awaitMigrations;
    private volatile boolean migrated;

    MigratedDataSource(Runnable awaitMigrations) {
        this.awaitMigrations = awaitMigrations;
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (!migrated) {
            awaitMigrations.run();
            migrated = true;
        }
        return super.getConnection();
    }
}
