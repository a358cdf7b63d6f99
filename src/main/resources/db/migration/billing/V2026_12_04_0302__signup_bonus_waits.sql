-- Sign-up bonuses held back because the account was suspended when its address was verified: one row
-- per such user, deleted when the bonus is paid at the account's reinstatement (SignupBonusWaits).
-- Only a bonus that was held waits: an account created already verified (an operator's, say) never
-- had a bonus to hold, and a reinstatement pays it nothing.
create table billing_signup_bonus_wait (
    user_id bigint      primary key,
    since   timestamptz not null
);
