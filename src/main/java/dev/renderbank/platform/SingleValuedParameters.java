package dev.renderbank.platform;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * A request parameter the handler takes once ({@code @RequestParam} of a single value: a text, a
 * number, a flag) that arrives several times ({@code ?limit=10&limit=20}, {@code ?status=a&status=b})
 * is refused before the handler runs: a 400 naming it ({@link InvalidFieldException}; problem+json on
 * the API, the error page for a page, as {@link PageInputRefusals} answers). Spring would join text
 * values with a comma ({@code status} "a,b") and fail a number's conversion with a message that does
 * not say the parameter was repeated. A parameter declared as a list, an array or a map takes several
 * values and is left alone. The query string and a form's fields count together, as Spring reads them.
 */
@Configuration(proxyBeanMethods = false)
class SingleValuedParameters implements WebMvcConfigurer, HandlerInterceptor {

    private static final ParameterNameDiscoverer NAMES = new DefaultParameterNameDiscoverer();

    /** Per handler method: the names of its parameters that take one value. */
    private final Map<Method, List<String>> singles = new ConcurrentHashMap<>();

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (handler instanceof HandlerMethod method) {
            for (String name : singles.computeIfAbsent(method.getMethod(), m -> singleValued(method))) {
                String[] values = request.getParameterValues(name);
                if (values != null && values.length > 1) {
                    throw new InvalidFieldException(
                            name, "is given " + values.length + " times: give " + name + " once");
                }
            }
        }
        return true;
    }

    /** The {@code @RequestParam}s of {@code handler} that bind one value, by the name the client sends. */
    static List<String> singleValued(HandlerMethod handler) {
        List<String> names = new ArrayList<>();
        for (MethodParameter declared : handler.getMethodParameters()) {
            MethodParameter p = new MethodParameter(declared);
            RequestParam param = p.getParameterAnnotation(RequestParam.class);
            if (param == null || takesSeveral(p)) {
                continue;
            }
            p.initParameterNameDiscovery(NAMES);
            String name = !param.name().isEmpty() ? param.name() : p.getParameterName();
            if (name != null) {
                names.add(name);
            }
        }
        return List.copyOf(names);
    }

    private static boolean takesSeveral(MethodParameter p) {
        Class<?> type =
                p.getParameterType() == Optional.class ? p.nested().getNestedParameterType() : p.getParameterType();
        return type.isArray() || Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type);
    }
}
