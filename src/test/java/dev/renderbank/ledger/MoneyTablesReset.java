package dev.renderbank.ledger;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * For mutation testing only (the {@code pit} Maven profile turns it on). A PIT minion runs many
 * mutants in one JVM, so one cached Spring context and one database: books that a mutant broke
 * would fail every later invariant check and count later mutants as killed. Before each Spring
 * Boot test the money tables (and the generation jobs and the purchases that hold or gave money, with
 * the reconciliation's findings about them) are emptied. Off in ordinary runs, where test classes share a
 * database whose other users (demo accounts, other classes' fixtures) must keep their credits.
 */
public class MoneyTablesReset implements BeforeEachCallback, AfterTestExecutionCallback {

    static final String SWITCH = "renderbank.test.reset-money-tables";

    private static final AtomicBoolean ANNOUNCED = new AtomicBoolean();

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!Boolean.getBoolean(SWITCH)
                || !AnnotatedElementUtils.hasAnnotation(context.getRequiredTestClass(), SpringBootTest.class)) {
            return;
        }
        JdbcClient jdbc = SpringExtension.getApplicationContext(context).getBean(JdbcClient.class);
        jdbc.sql("truncate credit_account, credit_hold, credit_grant, credit_clawback, debt_waiver, ledger_entry")
                .update();
        // Jobs of earlier tests would otherwise outlive their holds: the sweeper would try to fail
        // them at their deadline, find no hold to release and stop before reaching this test's jobs.
        jdbc.sql("truncate generation_job, generation_provider_task, generation_limit, idempotency_record,"
                        + " generation_asset")
                .update();
        jdbc.sql("delete from scheduled_tasks where task_name = 'generation-job'")
                .update();
        // Purchases of earlier tests would otherwise outlive their grants (emptied above), and the
        // reconciliation of a later test would report them as purchases without their grants.
        jdbc.sql("truncate billing_purchase, billing_purchase_grant, billing_purchase_ref, billing_refund,"
                        + " billing_dispute, billing_invoice_payment, billing_subscription,"
                        + " billing_subscription_period, billing_checkout, payment_event,"
                        + " reconciliation_finding, reconciliation_run cascade")
                .update();
        if (ANNOUNCED.compareAndSet(false, true)) {
            // shows in the PIT log (minion output), so a run can be checked to have reset its tables
            System.err.println("MoneyTablesReset: money tables are emptied before each Spring Boot test");
        }
    }

    /**
     * PIT reports a killing test without its failure; under the same switch each failing test's
     * first lines go to the minion's output ({@code -Dverbose=true}), so a kill can be told from a
     * test that fails for another reason.
     */
    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (!Boolean.getBoolean(SWITCH)) {
            return;
        }
        context.getExecutionException().ifPresent(e -> {
            String text = String.valueOf(e);
            System.err.println("MoneyTablesReset: " + context.getDisplayName() + " of "
                    + context.getRequiredTestClass().getSimpleName() + " failed: "
                    + text.substring(0, Math.min(text.length(), 600)).replace('\n', ' '));
        });
    }
}
