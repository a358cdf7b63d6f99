package dev.renderbank.platform.earlymigration;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * A test-only migration, after every real one (a version no real migration will reach), that holds the migrations until the test {@link
 * #release releases} it (EarlyMigrationsTest): meanwhile the test looks at what the start did.
 */
public class V9999_12_31_9999__Held extends BaseJavaMigration {

    static volatile CountDownLatch entered = new CountDownLatch(1);
    static volatile CountDownLatch released = new CountDownLatch(1);
    static volatile Thread thread;

    /** Arms the next run. */
    public static void reset() {
        entered = new CountDownLatch(1);
        released = new CountDownLatch(1);
        thread = null;
    }

    public static boolean awaitEntered(long seconds) throws InterruptedException {
        return entered.await(seconds, TimeUnit.SECONDS);
    }

    public static Thread thread() {
        return thread;
    }

    public static void release() {
        released.countDown();
    }

    @Override
    public void migrate(Context context) throws Exception {
        thread = Thread.currentThread();
        entered.countDown();
        if (!released.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the test never released the held migration");
        }
    }
}
