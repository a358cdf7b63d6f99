package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.platform.DatabaseConfig.DatabaseLocation;
import org.junit.jupiter.api.Test;

class DatabaseLocationTest {

    @Test
    void herokuStyleUrlBecomesJdbcWithCredentials() {
        DatabaseLocation l = DatabaseLocation.parse("postgres://rb:s3cret@db.internal:6543/renderbank?sslmode=require");
        assertThat(l.url()).isEqualTo("jdbc:postgresql://db.internal:6543/renderbank?sslmode=require");
        assertThat(l.username()).isEqualTo("rb");
        assertThat(l.password()).isEqualTo("s3cret");
        assertThat(l.isEmbedded()).isFalse();
    }

    @Test
    void jdbcUrlIsTakenAsIsAndPortDefaults() {
        assertThat(DatabaseLocation.parse("jdbc:postgresql://h/db").url()).isEqualTo("jdbc:postgresql://h/db");
        assertThat(DatabaseLocation.parse("postgresql://h/db").url()).isEqualTo("jdbc:postgresql://h:5432/db");
    }
}
