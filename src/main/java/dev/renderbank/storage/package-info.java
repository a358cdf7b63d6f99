/**
 * Asset storage (local disk, S3/R2) and the safe download of provider outputs ({@link dev.renderbank.storage.AssetStore}). Knows no jobs.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {"platform"})
package dev.renderbank.storage;
