package dev.renderbank.identity;

/** The logins a development run seeds (see {@code ops.DemoSeeder}); {@code prod} disables them. */
public final class DemoAccounts {

    public static final String DEMO_EMAIL = "demo@renderbank.local";
    public static final String ADMIN_EMAIL = "admin@renderbank.local";

    private DemoAccounts() {}
}
