package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The migrations an upgrade applies (those above the newest release dump's highest applied version,
 * {@link UpgradeFromPreviousReleaseTest}) run on tables that may hold millions of rows, inside
 * Flyway's transaction. On a table the previous release already had:
 *
 * <ul>
 *   <li>every {@code CREATE INDEX} says {@code IF NOT EXISTS}: a plain build blocks the table's writes
 *       while it runs, so README's migration notes tell operators to build it beforehand {@code
 *       CONCURRENTLY} under the same name, and a plain {@code CREATE INDEX} then fails the migration
 *       with "relation already exists";
 *   <li>a {@code CHECK} or foreign key added by {@code ALTER TABLE} is {@code NOT VALID}: a validated
 *       one scans the whole table under the {@code ACCESS EXCLUSIVE} lock the {@code ALTER TABLE}
 *       took (no reads either meanwhile). A column's own {@code CHECK} ({@code add column x int check
 *       (...)}) cannot be {@code NOT VALID}: add it as a named table constraint;
 *   <li>no {@code ALTER COLUMN ... SET NOT NULL} (a scan of the whole table under that lock: add a
 *       {@code CHECK (x IS NOT NULL) NOT VALID} now and validate it in a later release), no {@code
 *       ALTER COLUMN ... TYPE} (a rewrite of the table and its indexes), no new column with a volatile
 *       default, a serial type or a stored generated value (a rewrite: PostgreSQL stores only a
 *       constant default in the catalogue), and no {@code UNIQUE}, {@code PRIMARY KEY} or {@code
 *       EXCLUDE} constraint built in place (an index build under that lock: build a unique index
 *       {@code IF NOT EXISTS} and add the constraint {@code USING INDEX}).
 * </ul>
 *
 * Tables created by these same migrations are empty when indexed and are not checked. Migrations at
 * or below the dump's version are applied on every upgraded database and are never edited.
 */
class UpgradeMigrationLocksTest {

    private static final Pattern DUMP_VERSION =
            Pattern.compile("INSERT INTO public\\.flyway_schema_history VALUES \\(\\d+, '([0-9.]+)'");
    private static final Pattern CREATE_TABLE =
            Pattern.compile("^create (?:unlogged )?table (?:if not exists )?([a-z0-9_.]+)");
    private static final Pattern CREATE_INDEX = Pattern.compile(
            "^create (?:unique )?index (?:concurrently )?(if not exists )?(?:[a-z0-9_]+ )?on (?:only )?([a-z0-9_.]+)");
    private static final Pattern ALTER_TABLE =
            Pattern.compile("^alter table (?:if exists )?(?:only )?([a-z0-9_.]+) (.*)$");
    private static final Pattern VALIDATED_KIND = Pattern.compile("\\b(check|references|foreign key)\\b");
    private static final Pattern SCANS_OR_REWRITES =
            Pattern.compile("^alter (?:column )?[a-z0-9_\"]+ (?:set not null|(?:set data )?type )");
    private static final Pattern REWRITING_COLUMN = Pattern.compile("^add (?:column )?(?:if not exists )?[a-z0-9_\"]+ "
            + "(?:(?:small|big)?serial\\b|.*\\bdefault \\(?\\s*(?:gen_random_uuid|uuid_generate_v[14]|random|"
            + "clock_timestamp|timeofday|nextval)\\b|.*\\bgenerated always as\\b.*\\bstored\\b)");
    private static final Pattern INDEXED_CONSTRAINT = Pattern.compile("\\b(unique|primary key|exclude)\\b");

    @Test
    void anUpgradesMigrationsBuildIndexesIfNotExistsAndAddChecksNotValidOnExistingTables() throws IOException {
        MigrationVersion released = newestReleaseDumpVersion();
        List<Resource> upgrade = new ArrayList<>();
        for (Resource file :
                new PathMatchingResourcePatternResolver().getResources("classpath*:db/migration/**/*.sql")) {
            String name = file.getFilename();
            if (MigrationVersion.fromVersion(
                                    name.substring(1, name.indexOf("__")).replace('_', '.'))
                            .compareTo(released)
                    > 0) {
                upgrade.add(file);
            }
        }
        assertThat(upgrade).as("this release has migrations above %s", released).isNotEmpty();

        Set<String> newTables = new HashSet<>();
        for (Resource file : upgrade) {
            for (String statement : statements(file)) {
                Matcher table = CREATE_TABLE.matcher(statement);
                if (table.find()) {
                    newTables.add(table.group(1));
                }
            }
        }
        List<String> offenders = new ArrayList<>();
        for (Resource file : upgrade) {
            for (String statement : statements(file)) {
                offenders.addAll(offences(file.getFilename(), statement, newTables));
            }
        }
        assertThat(offenders)
                .as("migrations above the release %s on tables it had (README's migration notes)", released)
                .isEmpty();
    }

    /** The rule itself, on statements of each kind. */
    @Test
    void theRuleTellsTheStatementsApart() {
        Set<String> none = Set.of();
        assertThat(offences("f", "create index a_idx on a (x)", none)).hasSize(1);
        assertThat(offences("f", "create unique index if not exists a_idx on a (x) where y", none))
                .isEmpty();
        assertThat(offences("f", "create index a_idx on a (x)", Set.of("a"))).isEmpty();
        assertThat(offences("f", "alter table a add column x int not null default 0 check (x >= 0)", none))
                .hasSize(1);
        assertThat(offences("f", "alter table a add column x int, add constraint a_x check (x >= 0)", none))
                .hasSize(1);
        assertThat(offences("f", "alter table a add column x int, add constraint a_x check (x >= 0) not valid", none))
                .isEmpty();
        assertThat(offences("f", "alter table a add column b bigint references b (id)", none))
                .hasSize(1);
        assertThat(offences("f", "alter table a add column x int, add column y text", none))
                .isEmpty();
        assertThat(offences("f", "alter table a add column x int check (x > 0)", Set.of("a")))
                .isEmpty();
        assertThat(offences("f", "alter table a alter column x set not null", none))
                .hasSize(1);
        assertThat(offences("f", "alter table a alter x type bigint", none)).hasSize(1);
        assertThat(offences("f", "alter table a alter column x set data type text", none))
                .hasSize(1);
        assertThat(offences("f", "alter table a alter column x drop not null, alter column y set default 0", none))
                .isEmpty();
        assertThat(offences("f", "alter table a alter column x set not null", Set.of("a")))
                .isEmpty();
        assertThat(offences("f", "alter table a add column x uuid not null default gen_random_uuid()", none))
                .hasSize(1);
        assertThat(offences("f", "alter table a add column x bigserial", none)).hasSize(1);
        assertThat(offences("f", "alter table a add column x timestamptz default clock_timestamp()", none))
                .hasSize(1);
        assertThat(offences("f", "alter table a add column x int generated always as (y * 2) stored", none))
                .hasSize(1);
        assertThat(offences("f", "alter table a add column x bigint not null default 0", none))
                .isEmpty();
        assertThat(offences("f", "alter table a add column x timestamptz not null default now()", none))
                .isEmpty();
        assertThat(offences("f", "alter table a add column x text unique", none))
                .hasSize(1);
        assertThat(offences("f", "alter table a add constraint a_x_key unique (x)", none))
                .hasSize(1);
        assertThat(offences("f", "alter table a add primary key (id)", none)).hasSize(1);
        assertThat(offences("f", "alter table a add constraint a_x_key unique using index a_x_idx", none))
                .isEmpty();
        assertThat(offences("f", "alter table a drop constraint a_x_key", none)).isEmpty();
    }

    static List<String> offences(String file, String statement, Set<String> newTables) {
        List<String> found = new ArrayList<>();
        Matcher index = CREATE_INDEX.matcher(statement);
        if (index.find() && index.group(1) == null && !newTables.contains(index.group(2))) {
            found.add(file + ": CREATE INDEX without IF NOT EXISTS: " + statement);
        }
        Matcher alter = ALTER_TABLE.matcher(statement);
        if (alter.find() && !newTables.contains(alter.group(1))) {
            for (String action : actions(alter.group(2))) {
                if (VALIDATED_KIND.matcher(action).find()
                        && !action.startsWith("drop ")
                        && !(action.startsWith("add constraint ") && action.endsWith(" not valid"))) {
                    found.add(file + ": a validated constraint (add it as a named constraint NOT VALID): " + action);
                }
                if (SCANS_OR_REWRITES.matcher(action).find()) {
                    found.add(file + ": SET NOT NULL scans and TYPE rewrites the table under its lock (add a "
                            + "CHECK (x IS NOT NULL) NOT VALID, or a new column): " + action);
                }
                if (REWRITING_COLUMN.matcher(action).find()) {
                    found.add(file + ": a column whose default is volatile, serial or stored-generated rewrites "
                            + "the table (add it nullable, fill it in batches): " + action);
                }
                if (action.startsWith("add ")
                        && INDEXED_CONSTRAINT.matcher(action).find()
                        && !action.contains(" using index ")) {
                    found.add(file + ": a UNIQUE, PRIMARY KEY or EXCLUDE constraint builds its index under the "
                            + "table's lock (build a unique index IF NOT EXISTS, then ADD CONSTRAINT ... USING INDEX): "
                            + action);
                }
            }
        }
        return found;
    }

    /** The comma-separated actions of an ALTER TABLE, commas inside parentheses kept. */
    private static List<String> actions(String body) {
        List<String> actions = new ArrayList<>();
        int depth = 0;
        StringBuilder action = new StringBuilder();
        for (char c : body.toCharArray()) {
            if (c == ',' && depth == 0) {
                actions.add(action.toString().strip());
                action.setLength(0);
                continue;
            }
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            action.append(c);
        }
        actions.add(action.toString().strip());
        return actions;
    }

    /** The file's statements, lower case, comments dropped, white space collapsed. */
    private static List<String> statements(Resource file) throws IOException {
        String sql;
        try (InputStream in = file.getInputStream()) {
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> statements = new ArrayList<>();
        for (String statement : sql.replaceAll("--[^\n]*", " ").split(";")) {
            String s = statement.replaceAll("\\s+", " ").strip().toLowerCase(java.util.Locale.ROOT);
            if (!s.isEmpty()) {
                statements.add(s);
            }
        }
        return statements;
    }

    /** The highest version applied in the newest of the release dumps the upgrade test loads. */
    private static MigrationVersion newestReleaseDumpVersion() throws IOException {
        MigrationVersion highest = null;
        for (Resource dump : new PathMatchingResourcePatternResolver().getResources("classpath*:upgrade/*.sql")) {
            String sql;
            try (InputStream in = dump.getInputStream()) {
                sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Matcher m = DUMP_VERSION.matcher(sql);
            while (m.find()) {
                MigrationVersion v = MigrationVersion.fromVersion(m.group(1));
                if (highest == null || v.compareTo(highest) > 0) {
                    highest = v;
                }
            }
        }
        assertThat(highest).as("a release dump under upgrade/").isNotNull();
        return highest;
    }
}
