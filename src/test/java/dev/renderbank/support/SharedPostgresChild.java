package dev.renderbank.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * Run in a child JVM by {@link SharedPostgresWatchdogTest}: starts the shared test PostgreSQL as a
 * test JVM does, says {@code READY <postmaster pid>} and waits to be killed.
 */
public final class SharedPostgresChild {

    private SharedPostgresChild() {}

    public static void main(String[] args) throws Exception {
        String dataDir;
        try (Connection c = SharedPostgres.server().getPostgresDatabase().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("show data_directory")) {
            rs.next();
            dataDir = rs.getString(1);
        }
        String pid =
                Files.readAllLines(Path.of(dataDir, "postmaster.pid")).get(0).trim();
        System.out.println("READY " + pid);
        System.out.flush();
        Thread.currentThread().join();
    }
}
