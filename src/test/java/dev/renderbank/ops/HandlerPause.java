package dev.renderbank.ops;

import dev.renderbank.billing.core.EventHandler;
import dev.renderbank.billing.db.PaymentEventStore;
import dev.renderbank.platform.DurableEventHandler;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.aopalliance.intercept.MethodInterceptor;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Holds a payment provider's handler, after it answered one armed event and before that answer is
 * recorded (inside the event's transaction), until the test releases it: a race test runs another
 * event to its commit in that window. Inert unless armed; one armed event at a time. Also holds the
 * durable event handler named by {@link #holdDurable} off: while held, each of its runs fails as one
 * whose remote call could not be made (it is tried again later, with backoff), and other callers of
 * the same bean (not through its {@code handle}) are not held.
 */
public class HandlerPause implements BeanPostProcessor {

    private static volatile String armed;
    private static volatile CountDownLatch reached = new CountDownLatch(0);
    private static volatile CountDownLatch release = new CountDownLatch(0);

    /** The next answer to the event {@code eventId} (the provider's event id) waits for {@link #release}. */
    static void arm(String eventId) {
        reached = new CountDownLatch(1);
        release = new CountDownLatch(1);
        armed = eventId;
    }

    /** Whether the armed event's handler answered and waits, within {@code within}. */
    static boolean reached(Duration within) throws InterruptedException {
        return reached.await(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Lets the held answer go on and disarms. */
    static void release() {
        armed = null;
        release.countDown();
    }

    private static volatile String heldDurable;

    /** The durable event handlers a test may hold (each is proxied: the others are left as they are). */
    private static final java.util.Set<String> HOLDABLE = java.util.Set.of("billing.unpaid-plan-cancel");

    /** Runs of the durable event handler {@code name} fail until {@link #releaseDurable}. */
    static void holdDurable(String name) {
        heldDurable = name;
    }

    static void releaseDurable() {
        heldDurable = null;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof DurableEventHandler<?> durable && HOLDABLE.contains(durable.name())) {
            ProxyFactory proxy = new ProxyFactory(durable);
            proxy.setProxyTargetClass(true);
            proxy.addAdvice((MethodInterceptor) call -> {
                if (call.getMethod().getName().equals("handle")
                        && durable.name().equals(heldDurable)) {
                    throw new IllegalStateException("held by the test: " + heldDurable);
                }
                return call.proceed();
            });
            return proxy.getProxy();
        }
        if (!(bean instanceof EventHandler handler)) {
            return bean;
        }
        // a subclass proxy: some handlers are injected by their class too
        ProxyFactory proxy = new ProxyFactory(handler);
        proxy.setProxyTargetClass(true);
        proxy.addAdvice((MethodInterceptor) call -> {
            Object answer = call.proceed();
            if (call.getMethod().getName().equals("handle")
                    && call.getArguments()[0] instanceof PaymentEventStore.Stored event
                    && event.eventId().equals(armed)) {
                armed = null;
                reached.countDown();
                release.await(60, TimeUnit.SECONDS);
            }
            return answer;
        });
        return proxy.getProxy();
    }
}
