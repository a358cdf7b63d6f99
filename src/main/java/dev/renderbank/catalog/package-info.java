/**
 * Generation models, their options and prices, from configuration ({@link dev.renderbank.catalog.Catalog}).
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {})
package dev.renderbank.catalog;
