package dev.renderbank.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.notify.internal.AdminMail;
import dev.renderbank.notify.internal.LinkMail;
import dev.renderbank.notify.internal.Mailer;
import dev.renderbank.notify.internal.NotificationSettings;
import dev.renderbank.notify.internal.UserMail;
import dev.renderbank.platform.PublicUrl;
import dev.renderbank.support.IntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.env.MockEnvironment;

/**
 * Without SMTP a local user can only open their verification or reset link from the log; under
 * {@code prod} the links are never logged (logs are read by others, and the link signs in as you).
 */
@ExtendWith(OutputCaptureExtension.class)
class OneTimeLinkLogTest extends IntegrationTest {

    @Autowired
    Mailer mailer;

    @Autowired
    AdminMail adminMail;

    @Autowired
    UserMail userMail;

    @Autowired
    NotificationSettings settings;

    @Autowired
    Users users;

    @Autowired
    Ledger ledger;

    @Autowired
    PublicUrl publicUrl;

    private Notifier notifier(String... profiles) {
        MockEnvironment env = new MockEnvironment();
        env.setActiveProfiles(profiles);
        return new Notifier(
                mailer, adminMail, settings, new LinkMail(mailer, userMail, env, publicUrl), userMail, ledger, clock);
    }

    private UserAccount newUser() {
        return users.create("log-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
    }

    @Test
    void outsideProdTheLinksAreLoggedWithTheirFullAddress(CapturedOutput output) {
        UserAccount u = newUser();
        notifier("test").emailVerification(u.id(), "verify:log-" + u.id(), "tok-dev-verify-" + u.id(), null);
        notifier("test").passwordReset(u.id(), "reset:log-" + u.id(), "tok-dev-reset-" + u.id(), null);
        assertThat(output.getOut())
                .contains(publicUrl.get() + "/verify-email?token=tok-dev-verify-" + u.id())
                .contains(publicUrl.get() + "/password/reset?token=tok-dev-reset-" + u.id());
    }

    @Test
    void underProdTheLinksAreNeverLogged(CapturedOutput output) {
        UserAccount u = newUser();
        notifier("prod").emailVerification(u.id(), "verify:prod-" + u.id(), "tok-prod-verify-" + u.id(), null);
        notifier("prod").passwordReset(u.id(), "reset:prod-" + u.id(), "tok-prod-reset-" + u.id(), null);
        assertThat(output.getOut()).doesNotContain("tok-prod-verify-").doesNotContain("tok-prod-reset-");
    }
}
