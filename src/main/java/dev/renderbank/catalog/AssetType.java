package dev.renderbank.catalog;

import java.util.Locale;

public enum AssetType {
    IMAGE,
    VIDEO;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
