package dev.renderbank;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Module boundaries (STYLE.md): facades in module roots, internals private, the ledger at the bottom. */
@AnalyzeClasses(packages = "dev.renderbank", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** A module's web controllers are its own: nobody else calls them. */
    @ArchTest
    static final ArchRule webLayersAreLeaves =
            slices().matching("dev.renderbank.(*).web..").should().notDependOnEachOther();

    @ArchTest
    static final ArchRule nobodyReachesIntoAnotherModulesWebPackage = noClasses()
            .that()
            .resideOutsideOfPackages("..web..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.renderbank.*.web..");

    /** Feature modules form a directed graph: no two modules need each other. */
    @ArchTest
    static final ArchRule modulesAreFreeOfCycles =
            slices().matching("dev.renderbank.(*)..").should().beFreeOfCycles();

    /** The ledger is the heart: it knows nothing of jobs, payments or providers. */
    @ArchTest
    static final ArchRule ledgerDependsOnNoFeatureModule = noClasses()
            .that()
            .resideInAPackage("dev.renderbank.ledger")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "dev.renderbank.generation..",
                    "dev.renderbank.billing..",
                    "dev.renderbank.provider..",
                    "dev.renderbank.storage..",
                    "dev.renderbank.identity..",
                    "dev.renderbank.ops..");

    /** Platform plumbing is below every feature. */
    @ArchTest
    static final ArchRule platformDependsOnNoFeature = noClasses()
            .that()
            .resideInAPackage("dev.renderbank.platform..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "dev.renderbank.ledger..",
                    "dev.renderbank.generation..",
                    "dev.renderbank.billing..",
                    "dev.renderbank.provider..",
                    "dev.renderbank.storage..",
                    "dev.renderbank.identity..",
                    "dev.renderbank.catalog..",
                    "dev.renderbank.ops..");

    /** Providers and storage are ports used by the job engine, never the other way round. */
    @ArchTest
    static final ArchRule adaptersDoNotKnowJobs = noClasses()
            .that()
            .resideInAnyPackage("dev.renderbank.provider..", "dev.renderbank.storage..", "dev.renderbank.catalog..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("dev.renderbank.generation..", "dev.renderbank.billing..");
}
