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

    /** Writes docs/modules (PlantUML and AsciiDoc); commit the result when the modules change. */
    @Test
    void writesTheModuleDocumentation() throws Exception {
        Path out = Path.of("docs/modules");
        new Documenter(MODULES, Documenter.Options.defaults().withOutputFolder(out.toString()))
                .writeModulesAsPlantUml()
                .writeIndividualModulesAsPlantUml()
                .writeModuleCanvases();
        assertThat(Files.list(out)).isNotEmpty();
    }
}
