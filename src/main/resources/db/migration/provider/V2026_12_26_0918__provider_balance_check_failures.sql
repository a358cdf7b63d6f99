-- A balance check that fails (a timeout, a 5xx, the breaker open) used to be a WARN line only, while
-- the gauge and the dashboard kept showing the last balance as if current. check_failed_since is when
-- the checks started failing (null while the last one read the balance), check_error what the last
-- failed one got: after renderbank.provider.balance.unknown-alert-after operators are alerted
-- (provider.balance.unknown), and the dashboard says how old the balance it shows is.
alter table provider_balance
    add column check_failed_since timestamptz,
    add column check_error        text;
