package dev.renderbank;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class RenderbankApplication {

    public static void main(String[] args) {
        SpringApplication.run(RenderbankApplication.class, args);
    }
}
