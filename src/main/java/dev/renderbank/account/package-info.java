/**
 * The signed-in user's pages and the public catalogue endpoint; no logic of its own.
 */
@org.springframework.modulith.ApplicationModule(
        allowedDependencies = {"billing", "catalog", "generation", "identity", "ledger", "notify"})
package dev.renderbank.account;
