package dev.renderbank.support;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The application's routes as its own handler mappings know them, so tests that must cover every
 * route cover a new one without being edited (or, where a rule must be stated, fail until it is).
 */
public final class Routes {

    private static final Pattern VARIABLE = Pattern.compile("\\{(\\w+)(?::([^}]+))?}");

    private Routes() {}

    /**
     * One method on one path pattern, with what the handler reads: its request parameters (and those
     * of them that take one value: not a list, an array or a map), whether it takes a body and, for a
     * record body, its fields.
     */
    public record Route(
            RequestMethod method,
            String pattern,
            Set<String> params,
            Set<String> singleParams,
            boolean body,
            Set<String> bodyFields) {

        public String key() {
            return method + " " + pattern;
        }

        public List<String> variables() {
            List<String> names = new ArrayList<>();
            Matcher m = VARIABLE.matcher(pattern);
            while (m.find()) {
                names.add(m.group(1));
            }
            return names;
        }

        public boolean api() {
            return pattern.startsWith("/api/");
        }

        /**
         * The path with each variable replaced by {@code value}; a variable restricted by a regex
         * ({@code {action:a|b}}) gets its first alternative, since another value would not reach
         * the handler at all.
         */
        public String path(java.util.function.Function<String, String> value) {
            Matcher m = VARIABLE.matcher(pattern);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String v = m.group(2) != null ? m.group(2).split("\\|")[0] : value.apply(m.group(1));
                m.appendReplacement(out, Matcher.quoteReplacement(v));
            }
            m.appendTail(out);
            return out.toString();
        }
    }

    /** Every route of the application, sorted; methodless mappings count as GET. */
    public static List<Route> of(RequestMappingHandlerMapping mappings) {
        Set<Route> routes = new LinkedHashSet<>();
        mappings.getHandlerMethods().forEach((info, handler) -> {
            Set<String> params = new LinkedHashSet<>();
            Set<String> single = new LinkedHashSet<>();
            boolean body = false;
            Set<String> fields = new LinkedHashSet<>();
            for (MethodParameter p : handler.getMethodParameters()) {
                RequestParam rp = p.getParameterAnnotation(RequestParam.class);
                if (rp != null) {
                    MethodParameter named = new MethodParameter(p);
                    named.initParameterNameDiscovery(new org.springframework.core.DefaultParameterNameDiscoverer());
                    String name = !rp.name().isEmpty() ? rp.name() : named.getParameterName();
                    params.add(name);
                    Class<?> type = p.getParameterType();
                    if (!type.isArray()
                            && !java.util.Collection.class.isAssignableFrom(type)
                            && !java.util.Map.class.isAssignableFrom(type)) {
                        single.add(name);
                    }
                }
                if (p.hasParameterAnnotation(RequestBody.class)) {
                    body = true;
                    if (p.getParameterType().isRecord()) {
                        for (var c : p.getParameterType().getRecordComponents()) {
                            fields.add(c.getName());
                        }
                    }
                }
            }
            var methods = info.getMethodsCondition().getMethods();
            for (String pattern : info.getPatternValues()) {
                for (RequestMethod m : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                    routes.add(new Route(m, pattern, Set.copyOf(params), Set.copyOf(single), body, Set.copyOf(fields)));
                }
            }
        });
        return routes.stream()
                .sorted(Comparator.comparing(Route::pattern).thenComparing(Route::method))
                .toList();
    }

    /**
     * Whose handler is it: springdoc's own and Boot's error controller are not the application's
     * (nor is platform's extension of the error controller, which renders {@code /error} as Boot's does).
     */
    public static boolean application(RequestMappingHandlerMapping mappings, Route route) {
        return mappings.getHandlerMethods().entrySet().stream()
                .filter(e -> e.getKey().getPatternValues().contains(route.pattern()))
                .map(e -> e.getValue())
                .map(HandlerMethod::getBeanType)
                .anyMatch(t -> t.getName().startsWith("dev.renderbank.")
                        && !org.springframework.boot.webmvc.error.ErrorController.class.isAssignableFrom(t));
    }
}
