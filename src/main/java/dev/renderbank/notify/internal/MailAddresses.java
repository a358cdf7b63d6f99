package dev.renderbank.notify.internal;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/**
 * Configured addresses (the sender, the operators') checked at start as the mailer will read them:
 * {@code MimeMessageHelper} parses an address as RFC 5322 text and refuses anything but exactly one,
 * so a list or a missing bracket made every email to or from it fail at every attempt.
 */
final class MailAddresses {

    private MailAddresses() {}

    /** Throws, naming {@code key}, unless {@code value} is one address with a domain (a name may come with it). */
    static void requireOne(String key, String value) {
        String problem = problem(value);
        if (problem != null) {
            throw new IllegalArgumentException(key + " must be one email address, such as 'renderbank"
                    + " <no-reply@example.com>' or 'ops@example.com': " + problem + " (was '" + value + "')");
        }
    }

    private static String problem(String value) {
        InternetAddress[] parsed;
        try {
            parsed = InternetAddress.parse(value, true);
        } catch (AddressException e) {
            return "it cannot be read as an address (" + e.getMessage() + ")";
        }
        if (parsed.length != 1) {
            return "it is " + parsed.length + " addresses";
        }
        if (parsed[0].isGroup()) {
            return "it is a group";
        }
        String address = parsed[0].getAddress();
        int at = address == null ? -1 : address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            return "it has no domain";
        }
        return null;
    }
}
