package dev.renderbank.ledger.internal;

import dev.renderbank.ledger.Hold;
import dev.renderbank.ledger.HoldState;
import dev.renderbank.platform.SqlTime;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;

/** Conversions and row-count checks shared by the ledger's SQL classes. */
final class Columns {

    private Columns() {}

    static Instant instant(ResultSet rs, String column) throws SQLException {
        return SqlTime.instant(rs, column);
    }

    static OffsetDateTime ts(Instant instant) {
        return SqlTime.ts(instant);
    }

    static Hold hold(ResultSet rs, int rowNum) throws SQLException {
        return new Hold(
                rs.getString("hold_key"),
                rs.getLong("user_id"),
                rs.getLong("amount"),
                HoldState.valueOf(rs.getString("state")),
                rs.getString("reason"),
                instant(rs, "expires_at"),
                instant(rs, "created_at"));
    }
}
