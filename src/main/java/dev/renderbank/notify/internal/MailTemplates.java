package dev.renderbank.notify.internal;

import dev.renderbank.platform.PublicUrl;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.thymeleaf.context.Context;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

/**
 * Renders {@code templates/mail/<name>.txt} (plain text; its first line is {@code Subject: ...}) and
 * {@code templates/mail/<name>.html}. Every email has both parts; none loads anything remote (no
 * images, no tracking). Its own engine, so the web pages' view resolution never sees these.
 */
@Component
public class MailTemplates {

    private static final String SUBJECT = "Subject:";

    private final SpringTemplateEngine engine = new SpringTemplateEngine();
    private final MailProperties props;
    private final PublicUrl publicUrl;

    MailTemplates(MailProperties props, PublicUrl publicUrl) {
        this.props = props;
        this.publicUrl = publicUrl;
        engine.addTemplateResolver(resolver(TemplateMode.HTML, "*.html", 1));
        engine.addTemplateResolver(resolver(TemplateMode.TEXT, "*.txt", 2));
    }

    private static ClassLoaderTemplateResolver resolver(TemplateMode mode, String pattern, int order) {
        ClassLoaderTemplateResolver r = new ClassLoaderTemplateResolver();
        r.setPrefix("templates/mail/");
        r.setTemplateMode(mode);
        r.setResolvablePatterns(Set.of(pattern));
        r.setCharacterEncoding("UTF-8");
        r.setCacheable(true);
        r.setCheckExistence(true);
        r.setOrder(order);
        return r;
    }

    /** {@code vars} plus {@code productName} and {@code publicUrl} (no trailing slash). */
    public Rendered render(String template, Map<String, Object> vars) {
        Map<String, Object> all = new HashMap<>(vars);
        all.put("productName", props.productName());
        all.put("publicUrl", publicUrl.get());
        Context ctx = new Context(java.util.Locale.ENGLISH, all);
        String text = engine.process(template + ".txt", ctx).stripLeading();
        if (!text.startsWith(SUBJECT)) {
            throw new IllegalStateException("mail template " + template + ".txt must start with '" + SUBJECT + "'");
        }
        int end = text.indexOf('\n');
        String subject =
                text.substring(SUBJECT.length(), end < 0 ? text.length() : end).strip();
        String body = end < 0 ? "" : text.substring(end + 1).strip() + "\n";
        String html = engine.process(template + ".html", ctx);
        return new Rendered(subject, body, html);
    }
}
