-- An operator may send a FAILED (or HELD) email again: it goes back to PENDING with its attempts reset
-- to 0. A sender's claim owns a message by its attempt number; with attempts counting from 0 again, a
-- claim of the earlier round (a sender that outlived its lease) would match the new round's attempt of
-- the same number and send a second copy. send_round counts the resends and is part of every claim's
-- ownership, so a claim of an earlier round owns nothing.
alter table mail_outbox
    add column send_round int not null default 0 check (send_round >= 0);
