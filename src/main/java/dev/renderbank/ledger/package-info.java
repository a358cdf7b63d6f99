/**
 * Credits: accounts, holds, grants, clawbacks, debt and the immutable entries, behind the {@link dev.renderbank.ledger.Ledger} facade. Knows nothing of jobs, payments or providers (its web controller reads the caller from identity).
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"platform", "identity"})
package dev.renderbank.ledger;
