package dev.renderbank;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering rules Spring Modulith does not express (it checks cycles, internals and allowed
 * dependencies: see {@link ModularityTest}): the ledger and platform at the bottom, adapters that know
 * no jobs, web packages as leaves. Stated here as well as in package-info so that widening a module's
 * allowed dependencies does not silently undo them.
 */
@AnalyzeClasses(packages = "dev.renderbank", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /**
     * Web packages are leaves, also inside their own module: a facade or store never calls a controller.
     * (Across modules, {@link ModularityTest} already forbids it: sub-packages are internal.)
     */
    @ArchTest
    static final ArchRule nobodyReachesIntoAnotherModulesWebPackage = noClasses()
            .that()
            .resideOutsideOfPackages("..web..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.renderbank.*.web..");

    /** The ledger is the heart: it knows nothing of jobs, payments or providers. */
    @ArchTest
    static final ArchRule ledgerDependsOnNoFeatureModule = noClasses()
            .that()
            .resideInAnyPackage("dev.renderbank.ledger", "dev.renderbank.ledger.internal..")
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

    /**
     * Case is changed in the root locale: on a server whose default locale is Turkish or Azerbaijani,
     * {@code "IMAGE".toLowerCase()} is {@code "ımage"} (dotless ı) and {@code "SIMULATED"} lower-cased
     * no longer names its provider, so stored names, metric tags and lookups would differ by the host's
     * locale.
     */
    @ArchTest
    static final ArchRule caseIsChangedInTheRootLocale = noClasses()
            .should()
            .callMethod(String.class, "toLowerCase")
            .orShould()
            .callMethod(String.class, "toUpperCase")
            .because("the default locale changes letters (Turkish dotless i): pass Locale.ROOT");
}
