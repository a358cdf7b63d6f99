package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * An operator who receives an alert looks its kind up in README's table of operator alerts (what
 * raised it, what to do). Every kind the code can raise is listed in {@link AlertKind} and must be a
 * row of that table, and every row a kind the code raises; production code raises alerts only through
 * {@link AlertKind} (the string forms of {@link OperatorAlerts} are for tests).
 */
class AlertKindsDocumentedTest {

    static final Path README = Path.of("README.md");
    static final Pattern ROW = Pattern.compile("^\\| `([a-z0-9.-]+)` \\|", Pattern.MULTILINE);

    static Set<String> documentedKinds() throws IOException {
        String readme = Files.readString(README);
        int start = readme.indexOf("\n### Operator alerts\n");
        assertThat(start).as("README has a section \"### Operator alerts\"").isPositive();
        int end = readme.indexOf("\n#", start + 2);
        Matcher rows = ROW.matcher(readme.substring(start, end < 0 ? readme.length() : end));
        Set<String> kinds = new TreeSet<>();
        while (rows.find()) {
            kinds.add(rows.group(1));
        }
        return kinds;
    }

    @Test
    void everyAlertKindIsInReadmesTableAndEveryRowIsAKind() throws IOException {
        Set<String> declared =
                Arrays.stream(AlertKind.values()).map(AlertKind::code).collect(Collectors.toCollection(TreeSet::new));
        assertThat(documentedKinds()).isEqualTo(declared);
    }

    @Test
    void productionCodeRaisesOnlyListedKinds() {
        JavaClasses main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.renderbank");
        List<String> byString = main.stream()
                .filter(c -> !c.isEquivalentTo(OperatorAlerts.class))
                .flatMap(c -> c.getMethodCallsFromSelf().stream())
                .filter(call -> call.getTargetOwner().isEquivalentTo(OperatorAlerts.class))
                .filter(call -> call.getName().startsWith("raise"))
                .filter(call -> call.getTarget().getRawParameterTypes().get(0).isEquivalentTo(String.class))
                .map(JavaMethodCall::getDescription)
                .toList();
        assertThat(byString)
                .as("alerts raised by a string kind, not an AlertKind")
                .isEmpty();
    }
}
