package dev.renderbank.ops;

import dev.renderbank.notify.MailResend;
import dev.renderbank.notify.Notifier;
import dev.renderbank.ops.internal.AuditedActions;
import dev.renderbank.ops.internal.AuditedActions.Request;
import dev.renderbank.ops.internal.AuditedActions.Step;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Service;

/**
 * Sending an outbox email again: a FAILED one (or a HELD one, once an SMTP server is configured)
 * goes back to PENDING with its attempts reset, in one transaction with the audit record. Never a
 * second copy: a sent email is refused, one already pending is left as it is, and the change is a
 * compare-and-set on the status it had ({@link Notifier#resendMail}).
 */
@Service
public class MailActions {

    static final String RESEND = "mail-resend";

    private final Notifier notifier;
    private final AuditedActions actions;

    MailActions(Notifier notifier, AuditedActions actions) {
        this.notifier = notifier;
        this.actions = actions;
    }

    public ActionResult resend(String actor, long id, String reason, String key) {
        return actions.run(new Request(actor, RESEND, target(id), reason, null, key), () -> {
            MailResend r = notifier.resendMail(id);
            if (r instanceof MailResend.Requeued q) {
                return new Step.Applied(state(q.status(), q.attempts()), state("PENDING", 0));
            }
            if (r instanceof MailResend.AlreadyPending p) {
                Map<String, Object> after = state("PENDING", p.attempts());
                after.put("note", "already pending: nothing changed");
                return new Step.Applied(state("PENDING", p.attempts()), after);
            }
            if (r instanceof MailResend.NotFound) {
                return new Step.Refuse(new ActionResult.NotFound("No email " + id));
            }
            if (r instanceof MailResend.Sent) {
                return new Step.Refuse(new ActionResult.Refused(
                        "mail-sent", "Email " + id + " was sent already; an email is never sent twice", true));
            }
            if (r instanceof MailResend.HeldWithoutSmtp) {
                return new Step.Refuse(new ActionResult.Refused(
                        "mail-not-delivering",
                        "Email " + id + " is held because no SMTP server is configured (spring.mail.host);"
                                + " resent now it would be held again. Configure SMTP first",
                        true));
            }
            if (r instanceof MailResend.LinkExpired x) {
                return new Step.Refuse(new ActionResult.Refused(
                        "mail-link-expired",
                        "Email " + id + " cannot be sent again: its link expired at " + x.expiredAt()
                                + ". The user must ask for a new link (Forgot password, or Resend on the sign-up"
                                + " page)"));
            }
            return new Step.Refuse(new ActionResult.Refused(
                    "mail-body-removed",
                    "Email " + id + " cannot be sent again: its body was removed (a one-time link once sent,"
                            + " or its account was deleted)"));
        });
    }

    static String target(long id) {
        return "mail:" + id;
    }

    private static Map<String, Object> state(String status, int attempts) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status);
        m.put("attempts", attempts);
        return m;
    }
}
