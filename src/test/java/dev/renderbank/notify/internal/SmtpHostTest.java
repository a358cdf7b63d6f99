package dev.renderbank.notify.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * Whether mail leaves the machine is decided one way: the production check's (a {@code
 * spring.mail.host} that is set, not blank and not "false"). Spring Boot creates its mail sender for
 * an empty host too, so with {@code SPRING_MAIL_HOST=} the guard saw no SMTP (and skipped the
 * sender's address check) while the app sent every email through JavaMail to localhost:25, and
 * stopped logging the verification links.
 */
class SmtpHostTest {

    private static Smtp smtp(String host) {
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        JavaMailSenderImpl sender = new JavaMailSenderImpl(); // as Spring Boot sets it up
        sender.setHost(host);
        beans.addBean("mailSender", sender);
        return new Smtp(beans.getBeanProvider(JavaMailSender.class), null);
    }

    @Test
    void aBlankOrFalseHostIsNoSmtpLikeTheProductionCheckSays() {
        assertThat(smtp("").enabled()).isFalse();
        assertThat(smtp("  ").enabled()).isFalse();
        assertThat(smtp(" False ").enabled()).isFalse();
        assertThat(smtp("smtp.example.com").enabled()).isTrue();
    }
}
