package dev.renderbank.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.lang.reflect.Constructor;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringBootExceptionReporter;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

/**
 * What an operator reads when the application fails to start: Spring Boot's failure report, as
 * {@code SpringApplication} prints it (its {@code FailureAnalyzers}, with every analyzer listed in
 * spring.factories, ours included, written through its logging reporter), and the messages of the
 * failure and its causes (printed with the stack trace when no analyzer reports it).
 */
public final class StartFailureReport {

    private StartFailureReport() {}

    public static String of(Throwable failure) throws ReflectiveOperationException {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            text.append(t).append('\n');
        }
        Logger reporter =
                (Logger) LoggerFactory.getLogger("org.springframework.boot.diagnostics.LoggingFailureAnalysisReporter");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        reporter.addAppender(lines);
        try (GenericApplicationContext context = new GenericApplicationContext()) {
            // package-private in Spring Boot: the class SpringApplication reports a failed start with
            Constructor<?> analyzers = Class.forName("org.springframework.boot.diagnostics.FailureAnalyzers")
                    .getDeclaredConstructor(ConfigurableApplicationContext.class);
            analyzers.setAccessible(true);
            ((SpringBootExceptionReporter) analyzers.newInstance(context)).reportException(failure);
        } finally {
            reporter.detachAppender(lines);
        }
        text.append(lines.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.joining("\n")));
        return text.toString();
    }
}
