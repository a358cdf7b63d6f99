/**
 * The billing tables, one store per table or aggregate (a purchase and its grants), SQL by hand with every row count that matters checked. No logic beyond the statements.
 */
package dev.renderbank.billing.db;
