package dev.renderbank.platform;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * Run in a child JVM by {@link EmbeddedDatabaseTest}: starts PostgreSQL on a data directory the
 * way the application did before it had an owner lock, writes a row, says {@code READY <postmaster
 * pid>} and waits to be killed with SIGKILL, which leaves the server running without its owner.
 */
public final class OrphanPostgres {

    private OrphanPostgres() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir.getParent());
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .start();
        try (Connection c = DriverManager.getConnection(pg.getJdbcUrl("postgres", "postgres"));
                Statement s = c.createStatement()) {
            s.execute("create table survivor (note text)");
            s.execute("insert into survivor values ('written before the owner died')");
        }
        String pid = Files.readAllLines(dir.resolve("postmaster.pid")).get(0).trim();
        System.out.println("READY " + pid);
        System.out.flush();
        Thread.currentThread().join();
    }
}
