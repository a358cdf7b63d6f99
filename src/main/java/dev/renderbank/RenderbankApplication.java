package dev.renderbank;

import dev.renderbank.ops.OpsCli;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class RenderbankApplication {

    public static void main(String[] args) {
        if (OpsCli.isCommand(args)) {
            System.exit(OpsCli.run(RenderbankApplication.class, args));
        }
        OpsCli.refuseStart(args, System.err).ifPresent(System::exit);
        SpringApplication.run(RenderbankApplication.class, args);
    }
}
