package dev.renderbank.provider.simulator;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * {@code /sim/**} carries no user login: the simulator speaks the provider's protocol and checks
 * the provider's bearer key itself. The opening exists only while the simulator runs; with a real
 * key these paths fall to the page chain like any unknown path.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@Conditional(SimulatorRuns.class)
class SimulatorSecurity {

    @Bean
    @Order(1)
    SecurityFilterChain simulatorChain(HttpSecurity http) throws Exception {
        http.securityMatcher(KieSimulator.PATH + "/**")
                .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .csrf(c -> c.disable())
                .requestCache(c -> c.disable())
                .securityContext(c -> c.disable())
                .sessionManagement(s -> s.disable());
        return http.build();
    }
}
