/**
 * Operators: the command line, demo seeding, ledger metrics.
 */
@org.springframework.modulith.ApplicationModule(
        allowedDependencies = {"platform", "identity", "ledger", "generation", "catalog"})
package dev.renderbank.ops;
