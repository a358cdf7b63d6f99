package dev.renderbank.bank;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The bank test's direct access to the database: users and API tokens written in SQL (the app has
 * no API for minting tokens without a browser session), and single-number queries for waiting and
 * for the report. Credits are never written here: the users get theirs through the admin API.
 */
final class BankLedger {

    static final String LIVE = "('RESERVED','SUBMITTED','RUNNING','UNKNOWN')";

    private final String url;

    BankLedger(String url) {
        this.url = url;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }

    /** An ADMIN user (first) and {@code users} USER accounts, each with a fresh API token. */
    List<BankClients.User> seed(int users) throws SQLException {
        SecureRandom random = new SecureRandom();
        List<BankClients.User> made = new ArrayList<>();
        try (Connection c = connect();
                PreparedStatement user = c.prepareStatement(
                        "insert into app_user (email, password_hash, display_name, role, email_verified)"
                                + " values (?, '!no-login', ?, ?, true) returning id");
                PreparedStatement token =
                        c.prepareStatement("insert into api_token (user_id, token_hash, name) values (?, ?, 'bank')")) {
            for (int i = 0; i <= users; i++) {
                String email = (i == 0 ? "bank-admin" : "bank-" + i) + "@bank.invalid";
                user.setString(1, email);
                user.setString(2, "Bank user " + i);
                user.setString(3, i == 0 ? "ADMIN" : "USER");
                long id;
                try (ResultSet rs = user.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
                byte[] raw = new byte[32];
                random.nextBytes(raw);
                String secret =
                        "rb_bank_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
                token.setLong(1, id);
                token.setBytes(2, sha256(secret));
                token.executeUpdate();
                made.add(new BankClients.User(id, secret, email));
            }
        }
        return made;
    }

    long number(String sql) throws SQLException {
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every row of a query as text, for violation messages. */
    List<String> rows(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(i > 1 ? " " : "")
                            .append(rs.getMetaData().getColumnLabel(i))
                            .append('=')
                            .append(rs.getString(i));
                }
                out.add(row.toString());
            }
        }
        return out;
    }

    /**
     * Records the checkout renderbank would have opened for a Creem pack purchase (only an opened
     * checkout grants): id {@code checkoutId}, the event's request_id.
     */
    void openCheckout(String checkoutId, long userId, String pack) throws SQLException {
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement("""
                        insert into billing_checkout (id, user_id, product, provider, status, created_at)
                        values (?, ?, ?, 'creem', 'OPEN', now()) on conflict (id) do nothing""")) {
            ps.setString(1, checkoutId);
            ps.setLong(2, userId);
            ps.setString(3, pack);
            ps.executeUpdate();
        }
    }

    long commits() throws SQLException {
        return number("select xact_commit from pg_stat_database where datname = current_database()");
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
