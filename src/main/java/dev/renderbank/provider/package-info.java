/**
 * The upstream provider port ({@link dev.renderbank.provider.ProviderGateway}): the KIE.ai client, its built-in simulator, the balance monitor and the availability breaker. Knows no jobs.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"platform"})
package dev.renderbank.provider;
