/**
 * Users, roles, login, API tokens and the current caller ({@link dev.renderbank.identity.Users}).
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"platform"})
package dev.renderbank.identity;
