package dev.renderbank.support;

import dev.renderbank.billing.ProductCatalog;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.test.util.AopTestUtils;

/**
 * An operator's change of {@code renderbank.catalog.*} followed by a restart, within one test context:
 * the catalogue is bound again from the context's configuration plus {@code properties} (as the
 * application binds it at start), and every renderbank bean that holds the catalogue gets the new one.
 * Closing puts the started catalogue back. Data written meanwhile (checkouts, events) stays, as it
 * would across a restart.
 */
public final class ChangedCatalog implements AutoCloseable {

    private record Swapped(Object bean, Field field, Object before) {}

    private final List<Swapped> swapped;
    private final ProductCatalog catalog;

    private ChangedCatalog(List<Swapped> swapped, ProductCatalog catalog) {
        this.swapped = swapped;
        this.catalog = catalog;
    }

    public static ChangedCatalog apply(ApplicationContext context, Map<String, String> properties) {
        List<ConfigurationPropertySource> sources = new ArrayList<>();
        sources.add(new MapConfigurationPropertySource(properties));
        ConfigurationPropertySources.get((ConfigurableEnvironment) context.getEnvironment())
                .forEach(sources::add);
        ProductCatalog changed = new Binder(sources).bindOrCreate("renderbank.catalog", ProductCatalog.class);
        List<Swapped> swapped = new ArrayList<>();
        for (String name : context.getBeanDefinitionNames()) {
            Class<?> type = context.getType(name);
            if (type == null || !type.getName().startsWith("dev.renderbank.") || !context.isSingleton(name)) {
                continue;
            }
            Object bean = AopTestUtils.getUltimateTargetObject(context.getBean(name));
            for (Class<?> c = bean.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (f.getType() == ProductCatalog.class && !Modifier.isStatic(f.getModifiers())) {
                        f.setAccessible(true);
                        try {
                            swapped.add(new Swapped(bean, f, f.get(bean)));
                            f.set(bean, changed);
                        } catch (IllegalAccessException e) {
                            throw new IllegalStateException("cannot change the catalogue of " + name, e);
                        }
                    }
                }
            }
        }
        if (swapped.isEmpty()) {
            throw new IllegalStateException("no bean holds the catalogue");
        }
        return new ChangedCatalog(swapped, changed);
    }

    /** The catalogue as changed. */
    public ProductCatalog catalog() {
        return catalog;
    }

    @Override
    public void close() {
        for (Swapped s : swapped) {
            try {
                s.field().set(s.bean(), s.before());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
