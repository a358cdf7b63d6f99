/**
 * Generation jobs: accept (limits, holds), the state machine driven at the provider, finishing exactly once, the status API and event streams ({@link dev.renderbank.generation.Generations}).
 */
@org.springframework.modulith.ApplicationModule(
        allowedDependencies = {"platform", "catalog", "identity", "ledger", "provider", "storage"})
package dev.renderbank.generation;
