package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.RenderbankApplication;
import dev.renderbank.support.SharedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The command line never migrates a database that has a schema: it runs beside the service's nodes,
 * and every command (a grant, even a read) of a new release's jar used to apply that release's
 * migrations to the live database under the old nodes. A database behind the jar, or ahead of it, is
 * refused (exit 3) with what to do, and its applied migrations stay as they were; an empty database
 * (a first use) gets its schema.
 */
class CommandLineSchemaTest {

    private record Run(int code, String out) {}

    private static Run cli(String url, String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        args.add("--spring.datasource.url=" + url);
        args.add("--spring.datasource.username=postgres");
        args.add("--spring.datasource.password=postgres");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int code = OpsCli.run(RenderbankApplication.class, args.toArray(String[]::new), out, out);
        return new Run(code, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aDatabaseOfThePreviousReleaseIsNotMigratedByACommand() throws Exception {
        String url = SharedPostgres.newDatabase();
        load(url, "/upgrade/release-2026-12-07-d8b5bda8.sql");
        List<String> before = appliedVersions(url);

        Run r = cli(url, "credits", "show", "alice@example.com");

        assertThat(appliedVersions(url)).as("nothing migrated").isEqualTo(before);
        assertThat(r.code()).as(r.out()).isEqualTo(OpsCli.FAILED);
        assertThat(r.out())
                .contains("the database is at version 2026.12.23.0900, this jar needs")
                .contains("upgrade the service first (start a node of this release)")
                .doesNotContain("\tat ");
    }

    @Test
    void aDatabaseNewerThanTheJarIsRefused() throws Exception {
        String url = SharedPostgres.newDatabase();
        SharedPostgres.migrate(url, null);
        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
                Statement s = c.createStatement()) {
            s.execute("insert into flyway_schema_history (installed_rank, version, description, type, script,"
                    + " checksum, installed_by, execution_time, success) select max(installed_rank) + 1,"
                    + " '9999.12.31.2359', 'a later release', 'SQL', 'V9999_12_31_2359__later.sql', 0, 'postgres',"
                    + " 1, true from flyway_schema_history");
        }
        List<String> before = appliedVersions(url);

        Run r = cli(url, "holds", "summary");

        assertThat(appliedVersions(url)).isEqualTo(before);
        assertThat(r.code()).as(r.out()).isEqualTo(OpsCli.FAILED);
        assertThat(r.out()).contains("the database is at version 9999.12.31.2359, newer than this jar knows");
    }

    @Test
    void anEmptyDatabaseGetsItsSchemaAndACurrentOneIsUsed() throws Exception {
        String url = SharedPostgres.newDatabase();
        Run first = cli(url, "holds", "summary");
        assertThat(first.code()).as(first.out()).isZero();
        List<String> created = appliedVersions(url);
        assertThat(created).isNotEmpty();
        Run again = cli(url, "holds", "summary");
        assertThat(again.code()).as(again.out()).isZero();
        assertThat(appliedVersions(url)).isEqualTo(created);
    }

    private static void load(String url, String resource) throws Exception {
        String sql;
        try (InputStream in = CommandLineSchemaTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<String> appliedVersions(String url) throws Exception {
        List<String> versions = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "select version from flyway_schema_history where success order by installed_rank")) {
            while (rs.next()) {
                versions.add(rs.getString(1));
            }
        }
        return versions;
    }
}
