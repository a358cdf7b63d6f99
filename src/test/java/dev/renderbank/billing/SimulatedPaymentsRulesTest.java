package dev.renderbank.billing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The simulated checkout never holds a payment provider's secret (issue 9, item 2): it hands its
 * events to the webhook intake inside the process, so nothing it makes could be replayed against a
 * real provider's webhook endpoint, and a real {@code CREEM_WEBHOOK_SECRET} is never used to sign
 * a payment nobody made.
 */
class SimulatedPaymentsRulesTest {

    private static final JavaClasses BILLING = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.renderbank.billing");

    @Test
    void theSimulatedCheckoutNeverTouchesProviderSecretsOrSignatures() {
        noClasses()
                .that()
                .haveSimpleNameStartingWith("Simulated")
                .should()
                .dependOnClassesThat()
                .haveSimpleName("PaymentSecrets")
                .orShould()
                .dependOnClassesThat()
                .haveSimpleName("CreemSignature")
                .check(BILLING);
    }
}
