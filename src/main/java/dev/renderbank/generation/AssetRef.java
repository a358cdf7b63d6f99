package dev.renderbank.generation;

/** Where a job's stored output is, for its owner's download. */
public record AssetRef(String id, String storageKey, String contentType, long size) {}
