package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.RenderbankApplication;
import dev.renderbank.support.SharedPostgres;
import java.io.ByteArrayOutputStream;
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
 * A command that fails on something unexpected (here the database refuses the ledger's insert)
 * prints one line with the cause and exits 3, distinct from 1 (a refusal); the stack trace goes to
 * stderr only, and the action, made with its audit record in one transaction, changed nothing.
 * It used to end on a stack trace on stdout and exit 1.
 */
class CommandLineFailureTest {

    private record Run(int code, String out, String err) {}

    private static Run cli(String url, String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        args.add("--spring.datasource.url=" + url);
        args.add("--spring.datasource.username=postgres");
        args.add("--spring.datasource.password=postgres");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = OpsCli.run(
                RenderbankApplication.class,
                args.toArray(String[]::new),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anUnexpectedFailureIsOneLineExitThreeAndChangesNothing() throws Exception {
        String url = SharedPostgres.newDatabase();
        SharedPostgres.migrate(url, null);
        Run created = cli(url, "users", "create-admin", "failing-grant@test.local");
        assertThat(created.code()).as(created.out()).isZero();
        sql(url, """
                create function refuse_ledger() returns trigger language plpgsql as $$
                begin raise exception 'the ledger refuses (test)'; end $$;
                create trigger refuse_ledger before insert on ledger_entry
                for each row execute function refuse_ledger()""");
        long actions = count(url, "select count(*) from operator_action");
        long entries = count(url, "select count(*) from ledger_entry");

        Run grant = cli(url, "credits", "grant", "failing-grant@test.local", "5", "--reason", "r", "--actor", "alice");

        assertThat(grant.code()).as(grant.out() + grant.err()).isEqualTo(OpsCli.FAILED);
        assertThat(grant.out()).contains("error: failed: ").contains("the ledger refuses (test)");
        assertThat(grant.out()).as("no stack trace on stdout").doesNotContain("\tat ");
        assertThat(grant.err()).contains("\tat ");
        assertThat(count(url, "select count(*) from operator_action")).isEqualTo(actions);
        assertThat(count(url, "select count(*) from ledger_entry")).isEqualTo(entries);
    }

    private static void sql(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static long count(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
