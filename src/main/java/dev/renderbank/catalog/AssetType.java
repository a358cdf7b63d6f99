package dev.renderbank.catalog;

public enum AssetType {
    IMAGE,
    VIDEO;

    public String label() {
        return name().toLowerCase();
    }
}
