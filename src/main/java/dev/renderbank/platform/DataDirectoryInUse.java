package dev.renderbank.platform;

import java.nio.file.Path;
import org.springframework.boot.ExitCodeGenerator;

/**
 * A second service start on a data directory whose embedded database a live process runs. Reported
 * as its one-line message and exit code 1 ({@link DataDirectoryInUseReporter}), not a stack trace:
 * it is an operator's mistake, not a bug.
 */
public class DataDirectoryInUse extends RuntimeException implements ExitCodeGenerator {

    DataDirectoryInUse(Path dataDir, long ownerPid) {
        super("renderbank is already running on " + dataDir + " (pid " + (ownerPid > 0 ? ownerPid : "unknown")
                + "): stop it first, or give this one another renderbank.data-dir or a DATABASE_URL");
    }

    @Override
    public int getExitCode() {
        return 1;
    }
}
