package dev.renderbank.platform;

import org.springframework.boot.SpringBootExceptionReporter;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/** Prints a {@link DataDirectoryInUse} as its one line on standard error. Listed in spring.factories. */
@Order(Ordered.HIGHEST_PRECEDENCE)
public class DataDirectoryInUseReporter implements SpringBootExceptionReporter {

    @Override
    public boolean reportException(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DataDirectoryInUse inUse) {
                System.err.println(inUse.getMessage());
                return true;
            }
        }
        return false;
    }
}
