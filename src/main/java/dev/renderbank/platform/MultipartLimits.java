package dev.renderbank.platform;

import jakarta.servlet.MultipartConfigElement;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tomcat parses a multipart body itself (when the dispatcher checks for one, before any handler),
 * reading past {@link BodySizeLimit}'s stream, so a chunked multipart body was read up to Spring
 * Boot's own 10 MB request limit, file parts to disk. The whole body and each part are capped at
 * {@code renderbank.http.max-body} as bound ({@link HttpProperties}), like every other body: over
 * it, 413. No page or API takes uploads. Replaces Boot's element (it backs off when one exists), so
 * {@code spring.servlet.multipart.*} is not read.
 */
@Configuration(proxyBeanMethods = false)
class MultipartLimits {

    @Bean
    MultipartConfigElement multipartConfigElement(HttpProperties http) {
        long max = http.maxBody().toBytes();
        return new MultipartConfigElement("", max, max, 0);
    }
}
