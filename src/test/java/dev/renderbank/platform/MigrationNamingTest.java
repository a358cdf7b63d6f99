package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * New migrations use one global, time-ordered version ({@code V2026_11_30_1000__what.sql}) so that a
 * migration added later never sorts below one already applied (the per-module prefixes of the first
 * release did: a new ledger {@code V1_1_4} would sort below an applied {@code V1_6_1} and Flyway would
 * refuse to start). The first release's files keep their names: an applied migration is never edited.
 */
class MigrationNamingTest {

    static final Set<String> FIRST_RELEASE = Set.of(
            "V1_0_1__scheduled_tasks.sql",
            "V1_0_2__identity.sql",
            "V1_1_1__ledger.sql",
            "V1_1_2__waivers_and_lean_holds.sql",
            "V1_1_3__no_key_share_locks_on_accounts.sql",
            "V1_2_1__generation.sql",
            "V1_3_1__provider_status.sql",
            "V1_3_2__provider_simulator.sql",
            "V1_5_1__billing.sql",
            "V1_5_2__invoice_payments.sql",
            "V1_6_1__operator_alert.sql");

    static final Pattern GLOBAL = Pattern.compile("V(20\\d\\d)_(\\d\\d)_(\\d\\d)_(\\d{4})__[a-z0-9_]+\\.sql");

    @Test
    void newMigrationsUseTheGlobalTimeOrderedVersionAndNoVersionRepeats() throws IOException {
        Resource[] files = new PathMatchingResourcePatternResolver().getResources("classpath*:db/migration/**/*.sql");
        assertThat(files).isNotEmpty();
        List<String> offenders = new ArrayList<>();
        Set<String> versions = new HashSet<>();
        for (Resource file : files) {
            String name = file.getFilename();
            String version = name.substring(1, name.indexOf("__"));
            assertThat(versions.add(version))
                    .as("version %s used twice", version)
                    .isTrue();
            if (FIRST_RELEASE.contains(name)) {
                continue;
            }
            Matcher m = GLOBAL.matcher(name);
            if (!m.matches() || Integer.parseInt(m.group(2)) > 12 || Integer.parseInt(m.group(3)) > 31) {
                offenders.add(name);
            }
        }
        assertThat(offenders)
                .as("name new migrations V<yyyy>_<mm>_<dd>_<nnnn>__<what>.sql")
                .isEmpty();
    }
}
