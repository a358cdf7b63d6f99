package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docs/CONFIGURATION.md is the operator's list of settings. It must name every {@code renderbank.*}
 * key the application binds, and nothing the application does not know: a renamed key would otherwise
 * leave the page promising a setting that is silently ignored.
 *
 * <p>The application's keys come from the metadata that {@code spring-boot-configuration-processor}
 * writes at compile time from the {@code @ConfigurationProperties} records, merged with
 * {@code META-INF/additional-spring-configuration-metadata.json} for the few keys read directly from
 * the environment. A third check keeps that hand-written file honest: every key read directly
 * ({@code getProperty}, {@code @Value}, the prod-guard switches) must be declared there.
 *
 * <p>The page's first column is parsed as written for people: {@code `renderbank.a.b`, `.c`} also names
 * {@code renderbank.a.c}; {@code <id>} and {@code .*} stand for map entries. Keys compare without
 * dashes, as Spring's relaxed binding does.
 */
class ConfigurationDocsTest {

    static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");
    static final Path DOCS = Path.of("docs/CONFIGURATION.md");

    /**
     * Bound but deliberately not on the page: the free plan reuses the catalog entry's type, and only
     * its {@code credits} means anything (the sign-up bonus).
     */
    static final Set<String> UNDOCUMENTED = Set.of(
            "renderbank.catalog.free.creem-earlier-product-ids",
            "renderbank.catalog.free.creem-product-id",
            "renderbank.catalog.free.currency",
            "renderbank.catalog.free.interval",
            "renderbank.catalog.free.price-minor",
            "renderbank.catalog.free.stripe-earlier-price-ids",
            "renderbank.catalog.free.stripe-price-id");

    /** Property reads that bypass the typed records. */
    static final Pattern DIRECT_READ =
            Pattern.compile("(?:getProperty\\(|\\$\\{|enabled\\(\\w+, |bind\\()\"?(renderbank\\.[a-z0-9.-]+[a-z0-9])");

    @Test
    void everyKeyTheApplicationBindsIsOnTheConfigurationPage() throws IOException {
        List<String> documented = documentedKeys();
        Set<String> missing = new TreeSet<>();
        for (String key : applicationKeys()) {
            if (!UNDOCUMENTED.contains(key) && documented.stream().noneMatch(doc -> covers(doc, key))) {
                missing.add(key);
            }
        }
        assertThat(missing)
                .as("keys bound by the application but not in docs/CONFIGURATION.md")
                .isEmpty();
    }

    @Test
    void everyKeyOnTheConfigurationPageIsOneTheApplicationBinds() throws IOException {
        Set<String> known = applicationKeys();
        Set<String> unknown = new TreeSet<>();
        for (String doc : documentedKeys()) {
            if (known.stream().noneMatch(key -> covers(doc, key) || coversMap(key, doc))) {
                unknown.add(doc);
            }
        }
        assertThat(unknown)
                .as("keys in docs/CONFIGURATION.md that the application does not bind (renamed or removed?)")
                .isEmpty();
    }

    @Test
    void everyKeyReadDirectlyFromTheEnvironmentIsDeclaredInTheMetadata() throws IOException {
        Set<String> known = applicationKeys();
        Set<String> undeclared = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = DIRECT_READ.matcher(Files.readString(file));
                while (m.find()) {
                    String key = m.group(1);
                    if (known.stream().noneMatch(k -> normal(k).equals(normal(key)) || coversMap(k, key))) {
                        undeclared.add(key + " (" + file.getFileName() + ")");
                    }
                }
            }
        }
        assertThat(undeclared)
                .as("declare these in src/main/resources/META-INF/additional-spring-configuration-metadata.json")
                .isEmpty();
    }

    @Test
    void thePageParserUnderstandsTheShorthandsItRelies() {
        assertThat(keysOfCell("`renderbank.limits.cooldown.image`, `.video`"))
                .containsExactly("renderbank.limits.cooldown.image", "renderbank.limits.cooldown.video");
        assertThat(keysOfCell("`renderbank.catalog.plans.<id>.*` (same keys, plus `.interval` `month`)"))
                .containsExactly("renderbank.catalog.plans.<id>.*");
        assertThat(keysOfCell("`renderbank.simulator.api-key` (`RENDERBANK_SIMULATOR_API_KEY`)"))
                .containsExactly("renderbank.simulator.api-key");
        assertThat(covers("renderbank.catalog.models.<id>.*", "renderbank.catalog.models"))
                .isTrue();
        assertThat(covers(
                        "renderbank.margins.provider-credits-per-1000-minor",
                        "renderbank.margins.provider-credits-per1000-minor"))
                .isTrue();
        assertThat(covers("renderbank.jobs.deadline.image", "renderbank.jobs.deadline.video"))
                .isFalse();
        assertThat(coversMap("renderbank.margins.cost", "renderbank.margins.cost.<model>.<option key>"))
                .isTrue();
    }

    /**
     * The page's default column is what an operator gets without setting the key. Where a row gives
     * one default in backticks per key it names, each must be the default the application binds (the
     * {@code @DefaultValue} the metadata records); rows whose default is words ("random", "unset →
     * …", a default per profile) are not compared, nor keys the application gives no default in
     * the metadata.
     */
    @Test
    void everyDefaultOnTheConfigurationPageIsTheOneTheApplicationBinds() throws IOException {
        Map<String, String> defaults = applicationDefaults();
        List<String> compared = new ArrayList<>();
        List<String> wrong = defaultMismatches(Files.readAllLines(DOCS), defaults, compared);
        assertThat(wrong)
                .as("defaults in docs/CONFIGURATION.md that differ from what the application binds")
                .isEmpty();
        assertThat(compared).as("defaults compared").hasSizeGreaterThan(60);
    }

    @Test
    void aWrongDefaultOnThePageIsFound() {
        Map<String, String> defaults = Map.of(
                normal("renderbank.limits.cooldown.image"),
                "3m",
                normal("renderbank.limits.cooldown.video"),
                "3m",
                normal("renderbank.simulator.failure-rate"),
                "0");
        List<String> compared = new ArrayList<>();
        assertThat(defaultMismatches(
                        List.of(
                                "| `renderbank.limits.cooldown.image`, `.video` | `3m`, `5m` | per user |",
                                "| `renderbank.simulator.failure-rate` | `0.0` | share |"),
                        defaults,
                        compared))
                .containsExactly("renderbank.limits.cooldown.video: the page says `5m`, the application binds `3m`");
        assertThat(compared).hasSize(3);
    }

    /** The rows' backticked defaults that are not what {@code defaults} (normalised key → value) holds. */
    static List<String> defaultMismatches(List<String> lines, Map<String, String> defaults, List<String> compared) {
        List<String> wrong = new ArrayList<>();
        for (String line : lines) {
            if (!line.startsWith("| `")) {
                continue;
            }
            String[] cells = line.split("\\|");
            List<String> keys = keysOfCell(cells[1]);
            List<String> values = new ArrayList<>();
            Matcher m = Pattern.compile("`([^`]+)`").matcher(cells[2]);
            while (m.find()) {
                values.add(m.group(1));
            }
            if (keys.isEmpty() || keys.size() != values.size()) {
                continue;
            }
            for (int i = 0; i < keys.size(); i++) {
                String bound = defaults.get(normal(keys.get(i)));
                if (bound == null) {
                    continue;
                }
                compared.add(keys.get(i));
                if (!sameValue(bound, values.get(i))) {
                    wrong.add(keys.get(i) + ": the page says `" + values.get(i) + "`, the application binds `" + bound
                            + "`");
                }
            }
        }
        return wrong;
    }

    static boolean sameValue(String bound, String documented) {
        if (bound.equalsIgnoreCase(documented)) {
            return true;
        }
        try {
            return new BigDecimal(bound).compareTo(new BigDecimal(documented)) == 0;
        } catch (NumberFormatException notNumbers) {
            return false;
        }
    }

    /** The defaults the metadata records for {@code renderbank.*} keys, by normalised key. */
    static Map<String, String> applicationDefaults() throws IOException {
        JsonNode root = JsonMapper.builder().build().readTree(METADATA.toFile());
        Map<String, String> defaults = new TreeMap<>();
        for (JsonNode property : root.path("properties")) {
            String name = property.path("name").asText();
            JsonNode value = property.path("defaultValue");
            if (name.startsWith("renderbank.") && value.isValueNode() && !value.isNull()) {
                defaults.put(normal(name), value.asText());
            }
        }
        return defaults;
    }

    /** Pages that name settings in passing; each named key must still be one the application binds. */
    static final List<Path> PROSE = List.of(Path.of("README.md"), Path.of("docs/API.md"), Path.of("docs/SCALING.md"));

    @Test
    void everyKeyTheOtherPagesNameIsOneTheApplicationBinds() throws IOException {
        Set<String> known = applicationKeys();
        Set<String> unknown = new TreeSet<>();
        for (Path page : PROSE) {
            unknownKeys(Files.readString(page), known).forEach(key -> unknown.add(key + " (" + page + ")"));
        }
        assertThat(unknown)
                .as("keys named in README.md or docs/ that the application does not bind (renamed or removed?)")
                .isEmpty();
    }

    @Test
    void theProseParserReadsGroupsAndAlternatives() {
        assertThat(keysInProse("`renderbank.limits.cooldown.image|video` (3m), `renderbank.storage.*`, "
                        + "`renderbank.payments.provider=creem`"))
                .containsExactly(
                        "renderbank.limits.cooldown.image",
                        "renderbank.limits.cooldown.video",
                        "renderbank.storage",
                        "renderbank.payments.provider");
        assertThat(unknownKeys(
                        "`renderbank.storage.*`, `renderbank.limits.cooldown.image|video`, `renderbank.limits.gone`",
                        Set.of("renderbank.storage.type", "renderbank.limits.cooldown.image")))
                .containsExactly("renderbank.limits.cooldown.video", "renderbank.limits.gone");
    }

    /** The keys {@code text} names that are neither a key in {@code known} nor a group of some. */
    static List<String> unknownKeys(String text, Set<String> known) {
        return keysInProse(text).stream()
                .filter(key -> known.stream()
                        .noneMatch(
                                k -> normal(k).equals(normal(key)) || normal(k).startsWith(normal(key) + ".")))
                .toList();
    }

    /** Keys written in backticks: {@code a.b.*} names the group {@code a.b}, {@code a.b|c} both {@code a.b} and {@code a.c}. */
    static List<String> keysInProse(String text) {
        List<String> keys = new ArrayList<>();
        Matcher m = Pattern.compile("`(renderbank\\.[a-z0-9.|-]*[a-z0-9|-])").matcher(text);
        while (m.find()) {
            String token = m.group(1);
            int bar = token.indexOf('|');
            if (bar < 0) {
                keys.add(token);
                continue;
            }
            String stem = token.substring(0, token.lastIndexOf('.', bar) + 1);
            for (String last : token.substring(stem.length()).split("\\|")) {
                keys.add(stem + last);
            }
        }
        return keys;
    }

    /** All {@code renderbank.*} keys in the compiled metadata, both generated and hand-declared. */
    static Set<String> applicationKeys() throws IOException {
        assertThat(METADATA)
                .as("written by spring-boot-configuration-processor when main compiles")
                .exists();
        JsonNode root = JsonMapper.builder().build().readTree(METADATA.toFile());
        Set<String> keys = new TreeSet<>();
        for (JsonNode property : root.path("properties")) {
            String name = property.path("name").asText();
            if (name.startsWith("renderbank.")) {
                keys.add(name);
            }
        }
        assertThat(keys).as("metadata holds the renderbank keys").hasSizeGreaterThan(50);
        return keys;
    }

    static List<String> documentedKeys() throws IOException {
        List<String> keys = new ArrayList<>();
        for (String line : Files.readAllLines(DOCS)) {
            if (line.startsWith("| `")) {
                keys.addAll(keysOfCell(line.split("\\|")[1]));
            }
        }
        assertThat(keys).as("keys parsed from docs/CONFIGURATION.md").hasSizeGreaterThan(50);
        return keys;
    }

    /** The renderbank keys one first-column cell names. */
    static List<String> keysOfCell(String cell) {
        List<String> keys = new ArrayList<>();
        String last = null;
        Matcher m = Pattern.compile("`([^`]+)`").matcher(cell);
        while (m.find()) {
            String token = m.group(1);
            if (token.startsWith("renderbank.")) {
                keys.add(token);
                last = token;
            } else if (token.startsWith(".") && last != null && !last.endsWith(".*")) {
                keys.add(last.substring(0, last.lastIndexOf('.')) + token);
            }
        }
        return keys;
    }

    /** Whether the documented key (possibly {@code prefix.<id>.*}) names the application's key. */
    static boolean covers(String documented, String key) {
        int placeholder = documented.indexOf(".<");
        if (placeholder >= 0) {
            return normal(key).equals(normal(documented.substring(0, placeholder)));
        }
        return normal(documented).equals(normal(key));
    }

    /** Whether the application's key is a map whose entries the documented key describes. */
    static boolean coversMap(String mapKey, String documented) {
        return normal(documented).startsWith(normal(mapKey) + ".<");
    }

    static String normal(String key) {
        return key.replace("-", "").toLowerCase();
    }
}
