package dev.renderbank.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * One mailbox, one key ({@link EmailKeys#mailbox}), however its address is spelled: what is granted
 * once per mailbox (the sign-up bonus) and what protects a mailbox (the request limits) rely on it.
 */
class MailboxKeysTest {

    @Test
    void theDomainIsReadAsMailersReadIt() {
        String key = EmailKeys.mailbox("zoek@gmail.com");
        assertThat(EmailKeys.mailbox("zoek@gmail\u3002com"))
                .as("ideographic full stop")
                .isEqualTo(key);
        assertThat(EmailKeys.mailbox("zoek@gmail\uFF0Ecom"))
                .as("fullwidth full stop")
                .isEqualTo(key);
        assertThat(EmailKeys.mailbox("zoek@gmail\uFF61com"))
                .as("halfwidth ideographic full stop")
                .isEqualTo(key);
        assertThat(EmailKeys.mailbox("zoek@\uFF47mail.com"))
                .as("fullwidth letter")
                .isEqualTo(key);
        assertThat(EmailKeys.mailbox("zoek@gm\u00ADail.com")).as("soft hyphen").isEqualTo(key);
        assertThat(EmailKeys.mailbox("zoek@gm\u200Bail.com"))
                .as("zero-width space")
                .isEqualTo(key);
        assertThat(EmailKeys.mailbox("z.o.ek@gmail\u3002com"))
                .as("and then Gmail's dots")
                .isEqualTo(key);
        assertThat(EmailKeys.mailbox("Zoek+x@GMAIL.COM.")).isEqualTo(key);
    }

    @Test
    void anInternationalisedDomainIsOneMailboxInEitherForm() {
        assertThat(EmailKeys.mailbox("anna@m\u00FCller.de")).isEqualTo(EmailKeys.mailbox("anna@xn--mller-kva.de"));
        assertThat(EmailKeys.mailbox("anna@M\u00DCLLER.de")).isEqualTo(EmailKeys.mailbox("anna@xn--mller-kva.de"));
    }

    @Test
    void aServicesSeveralDomainsAreOneMailbox() {
        assertThat(EmailKeys.mailbox("kim@protonmail.com"))
                .isEqualTo(EmailKeys.mailbox("kim@pm.me"))
                .isEqualTo(EmailKeys.mailbox("kim@protonmail.ch"))
                .isEqualTo(EmailKeys.mailbox("kim@proton.me"));
        assertThat(EmailKeys.mailbox("kim@me.com"))
                .isEqualTo(EmailKeys.mailbox("kim@mac.com"))
                .isEqualTo(EmailKeys.mailbox("kim@icloud.com"));
        assertThat(EmailKeys.mailbox("k.im@proton.me"))
                .as("dots count outside Gmail")
                .isNotEqualTo(EmailKeys.mailbox("kim@proton.me"));
    }

    @Test
    void otherMailboxesStayApart() {
        assertThat(EmailKeys.mailbox("zoek@gmail.co")).isNotEqualTo(EmailKeys.mailbox("zoek@gmail.com"));
        assertThat(EmailKeys.mailbox("zoe@gmail.com")).isNotEqualTo(EmailKeys.mailbox("zoek@gmail.com"));
        assertThat(EmailKeys.mailbox("x@" + "a".repeat(70) + ".com"))
                .as("a domain IDNA refuses is kept")
                .endsWith(".com");
        assertThat(EmailKeys.mailbox("no-at-sign")).isEqualTo("no-at-sign");
        // IDNA 2008 keeps ß as a letter of its own (IDNA 2003 mapped it to ss); the final sigma is σ
        // already in the account's key (EmailKeys.of folds it)
        assertThat(EmailKeys.mailbox("x@stra\u00DFe.de")).isNotEqualTo(EmailKeys.mailbox("x@strasse.de"));
    }
}
