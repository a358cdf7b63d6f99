/**
 * Shared infrastructure below every feature: database start-up, problem+json errors, body caps, the production guard, operator alerts, time. Depends on no feature module.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {})
package dev.renderbank.platform;
