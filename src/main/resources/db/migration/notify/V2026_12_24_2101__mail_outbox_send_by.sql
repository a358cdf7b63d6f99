-- An email that carries a link with a lifetime (password reset: 1 h, verification: 24 h) is useless
-- once the link has expired, while the outbox retries for about a day: send_by, set at queue time by
-- the caller that knows the link's lifetime, is when it stops being worth sending. A sender's claim
-- past it ends the email FAILED ("link expired") instead of sending it; an operator's resend past it
-- is refused. Null: no such limit (every other email, and those queued before this column).
alter table mail_outbox add column send_by timestamptz;
