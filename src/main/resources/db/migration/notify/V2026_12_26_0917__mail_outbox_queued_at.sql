-- How long an email has waited for delivery counts from when it was queued: its created_at, or, for
-- one an operator sent again (AdminOutbox.resend), the resend. queued_at is set by the resend only
-- (null: created_at). The sender's watch (MailBacklog) alerts mail.delayed when the oldest PENDING
-- email has waited longer than renderbank.mail.delay-alert-after; PENDING rows are few (the due index
-- covers them), so its read is cheap.
alter table mail_outbox add column queued_at timestamptz;
