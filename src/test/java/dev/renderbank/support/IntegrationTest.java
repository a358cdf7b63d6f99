package dev.renderbank.support;

import org.junit.jupiter.api.AfterEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * The whole application on a real embedded PostgreSQL, served on a random port. Subclasses that
 * add no configuration of their own share one cached context (and database).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = FreshDatabaseInitializer.class)
@Import(IntegrationTest.ClockConfig.class)
@ActiveProfiles("test")
public abstract class IntegrationTest {

    public static final String DEMO_TOKEN = "test-demo-token-0123456789abcdef";
    public static final String ADMIN_TOKEN = "test-admin-token-0123456789abcdef";

    @Autowired
    protected SettableClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @TestConfiguration(proxyBeanMethods = false)
    public static class ClockConfig {
        @Bean
        @Primary
        SettableClock settableClock() {
            return new SettableClock();
        }
    }
}
