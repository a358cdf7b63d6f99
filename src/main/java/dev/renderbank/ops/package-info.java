/**
 * Operators: the admin pages and API, the audited repairs (grants, debt waivers, suspensions, job
 * repairs, switches), the command line, demo seeding, ledger metrics.
 */
@org.springframework.modulith.ApplicationModule(
        allowedDependencies = {
            "platform",
            "identity",
            "ledger",
            "generation",
            "catalog",
            "billing",
            "notify",
            "provider"
        })
package dev.renderbank.ops;
