package dev.renderbank.notify.internal;

import dev.renderbank.platform.ProductionCheck;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;

/**
 * Mail that leaves the machine must come from an address a mail server will take: the development
 * default {@code no-reply@localhost} (or any name that exists only on one network) is refused or
 * filed as spam by relays, so every verification, reset and receipt email would fail after a day of
 * retries and nobody could verify an address.
 */
public class MailProductionCheck implements ProductionCheck {

    @Override
    public List<String> problems(Binder config) {
        boolean mailLeaves = ProductionCheck.mailLeaves(config);
        if (!mailLeaves) {
            return List.of();
        }
        MailProperties mail;
        try {
            mail = config.bindOrCreate("renderbank.mail", MailProperties.class);
        } catch (BindException e) {
            return List.of(); // the application's own binding stops the start and says why
        }
        String domain = domain(mail.from());
        if (localOnly(domain)) {
            return List.of("renderbank.mail.from is " + mail.from() + ": mail servers refuse or file as spam a sender"
                    + " at " + domain + "; set it to an address of a domain you send from, such as"
                    + " 'renderbank <no-reply@your-domain.com>'");
        }
        return List.of();
    }

    private static String domain(String from) {
        try {
            String address = new InternetAddress(from, true).getAddress();
            return address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        } catch (AddressException | RuntimeException e) {
            return "";
        }
    }

    /** A name no other network can resolve: no dot, localhost, or a local-only zone. */
    static boolean localOnly(String domain) {
        String d = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
        return !d.contains(".")
                || d.endsWith(".localhost")
                || d.endsWith(".local")
                || d.endsWith(".localdomain")
                || d.endsWith(".internal")
                || d.endsWith(".invalid")
                || d.endsWith(".lan")
                || d.endsWith(".home.arpa");
    }
}
