package dev.renderbank.storage;

/** A stored file: its key, size in bytes, content type and hex SHA-256. */
public record StoredAsset(String key, long size, String contentType, String sha256) {}
