package dev.renderbank.platform;

import org.springframework.boot.jackson.autoconfigure.JsonFactoryBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.StreamReadConstraints;

/**
 * The application's JSON mapper refuses documents longer than the request body cap ({@code
 * renderbank.http.max-body}, 1 MB by default), so no JSON it parses, from a request or from code
 * that hands it bytes, can grow into a heap-sized tree. Other read limits stay at Jackson's
 * defaults.
 */
@Configuration(proxyBeanMethods = false)
class JsonLimits {

    @Bean
    JsonFactoryBuilderCustomizer documentSizeLimit(HttpProperties http) {
        return factory -> factory.streamReadConstraints(StreamReadConstraints.builder()
                .maxDocumentLength(http.maxBody().toBytes())
                .build());
    }
}
