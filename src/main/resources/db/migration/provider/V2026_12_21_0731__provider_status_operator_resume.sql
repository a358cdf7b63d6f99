-- An operator may resume the provider by hand (a top-up its balance endpoint does not show yet, a
-- resume threshold set wrong). resumed_by_operator marks such a resume: while it stands, a balance
-- reading below the resume threshold does not trip the state again (the operator knows better than
-- that reading); a real refusal (402, 401) trips it as always and ends the mark, as does a reading that
-- is enough again, after which the balance check rules as before.
alter table provider_status
    add column resumed_by_operator boolean not null default false;
