package dev.renderbank;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * Spring Modulith's view of the code: each top-level package under {@code dev.renderbank} is a module,
 * its root package is its API, sub-packages are internal, and each module names the modules it may use
 * in its {@code package-info.java}. {@link ArchitectureTest} adds the rules Modulith does not know.
 */
class ModularityTest {

    static final ApplicationModules MODULES = ApplicationModules.of(RenderbankApplication.class);

    @Test
    void modulesRespectTheirBoundaries() {
        MODULES.verify();
    }

    @Test
    void everyFeaturePackageIsAModule() {
        assertThat(MODULES.stream().map(m -> m.getIdentifier().toString()))
                .containsExactlyInAnyOrder(
                        "account",
                        "billing",
                        "catalog",
                        "generation",
                        "identity",
                        "ledger",
                        "notify",
                        "ops",
                        "platform",
                        "provider",
                        "storage");
    }

    /**
     * Writes the diagrams (PlantUML) and module canvases. Into target/ on every run, so a broken
     * model fails the build; into the committed {@code docs/modules} when asked, because the
     * Documenter's line order varies between runs:
     * {@code ./mvnw test -Dtest=ModularityTest -Drenderbank.docs.modules=docs/modules}.
     */
    @Test
    void writesTheModuleDocumentation() throws Exception {
        Path out = Path.of(System.getProperty("renderbank.docs.modules", "target/modules"));
        new Documenter(MODULES, Documenter.Options.defaults().withOutputFolder(out.toString()))
                .writeModulesAsPlantUml()
                .writeIndividualModulesAsPlantUml()
                .writeModuleCanvases();
        try (var files = Files.list(out)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .contains("components.puml", "module-ledger.puml", "module-billing.adoc");
        }
    }
}
