-- Where a finding's difference was first seen: the start of the window of the first run in an unbroken
-- line of runs that found it unrepaired. A run reads the payment providers back to the oldest open
-- repairable payment finding's, so a paid checkout whose webhook was lost stays in the latest report
-- until it is repaired or its webhook records it (before, it left the report once it left the window).
alter table reconciliation_finding add column seen_since timestamptz;
