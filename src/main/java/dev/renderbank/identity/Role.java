package dev.renderbank.identity;

public enum Role {
    USER,
    ADMIN
}
