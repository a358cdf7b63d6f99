package dev.renderbank.ops;

import dev.renderbank.billing.OperatorBilling;
import dev.renderbank.billing.PaymentReconciliation;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.aopalliance.intercept.MethodInterceptor;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Holds the next call of an armed method of billing's {@link PaymentReconciliation} or {@link
 * OperatorBilling}, before it runs, until the test releases it: a race test does something else in
 * that window. {@code unrecordedSince}: a reconciliation run reading the payment providers (after it
 * read the acknowledgements, before it stores its findings); {@code reprocessPaymentEvent}: an
 * operator's reprocess holding its event's row, before the event's handler runs. Inert unless armed;
 * one armed call at a time.
 */
public class CallPause implements BeanPostProcessor {

    private static volatile String armed;
    private static volatile CountDownLatch reached = new CountDownLatch(0);
    private static volatile CountDownLatch release = new CountDownLatch(0);

    /** The next call of the method named {@code method} waits for {@link #release}. */
    static void arm(String method) {
        reached = new CountDownLatch(1);
        release = new CountDownLatch(1);
        armed = method;
    }

    /** Whether the armed call was made and waits, within {@code within}. */
    static boolean reached(Duration within) throws InterruptedException {
        return reached.await(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Lets the held call go on and disarms. */
    static void release() {
        armed = null;
        release.countDown();
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (!(bean instanceof PaymentReconciliation) && !(bean instanceof OperatorBilling)) {
            return bean;
        }
        ProxyFactory proxy = new ProxyFactory(bean);
        proxy.setProxyTargetClass(true);
        proxy.addAdvice((MethodInterceptor) call -> {
            String method = call.getMethod().getName();
            if (method.equals(armed)) {
                armed = null;
                reached.countDown();
                release.await(60, TimeUnit.SECONDS);
            }
            return call.proceed();
        });
        return proxy.getProxy();
    }
}
