package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.renderbank.platform.DatabaseConfig.DatabaseLocation;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class DatabaseLocationTest {

    @Test
    void herokuStyleUrlBecomesJdbcWithCredentials() {
        DatabaseLocation l = DatabaseLocation.parse("postgres://rb:s3cret@db.internal:6543/renderbank?sslmode=require");
        assertThat(l.url()).isEqualTo("jdbc:postgresql://db.internal:6543/renderbank?sslmode=require");
        assertThat(l.username()).isEqualTo("rb");
        assertThat(l.password()).isEqualTo("s3cret");
        assertThat(l.isEmbedded()).isFalse();
    }

    /**
     * A password with a character a URL may not carry raw stops the start with a message that says
     * what to fix, and never the password: the start's error is logged, and logs are shipped.
     */
    @Test
    void aMalformedUrlIsRefusedWithoutItsPassword() {
        for (String url :
                new String[] {"postgres://renderbank:s3cr^t@db:5432/rb", "postgres://renderbank:s3cr@t@db:5432/rb"}) {
            assertThatThrownBy(() -> DatabaseLocation.parse(url))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("DATABASE_URL")
                    .hasMessageContaining("percent-encode")
                    .hasMessageNotContaining("s3cr");
        }
        assertThat(DatabaseLocation.parse("postgres://renderbank:s3cr%5Et%40x@db:5432/rb")
                        .password())
                .isEqualTo("s3cr^t@x");
    }

    @Test
    void jdbcUrlIsTakenAsIsAndPortDefaults() {
        assertThat(DatabaseLocation.parse("jdbc:postgresql://h/db").url()).isEqualTo("jdbc:postgresql://h/db");
        assertThat(DatabaseLocation.parse("postgresql://h/db").url()).isEqualTo("jdbc:postgresql://h:5432/db");
    }

    /** spring.datasource.username and .password win over DATABASE_URL's, as documented; each on its own. */
    @Test
    void springDatasourceCredentialsWinOverTheDatabaseUrls() {
        DatabaseLocation jdbc = DatabaseConfig.locate(new MockEnvironment()
                .withProperty("DATABASE_URL", "jdbc:postgresql://db/app")
                .withProperty("spring.datasource.username", "app")
                .withProperty("spring.datasource.password", "from-the-secret-store"));
        assertThat(jdbc.url()).isEqualTo("jdbc:postgresql://db/app");
        assertThat(jdbc.username()).isEqualTo("app");
        assertThat(jdbc.password()).isEqualTo("from-the-secret-store");

        DatabaseLocation heroku = DatabaseConfig.locate(new MockEnvironment()
                .withProperty("DATABASE_URL", "postgres://rb:old@db:5432/app")
                .withProperty("spring.datasource.password", "rotated"));
        assertThat(heroku.username()).isEqualTo("rb");
        assertThat(heroku.password()).isEqualTo("rotated");
    }
}
