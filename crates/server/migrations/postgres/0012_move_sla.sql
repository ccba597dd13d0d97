-- R31: the SLA policy a move fixed at its start, as JSON: its tickets count by it
-- whatever the account's policy becomes meanwhile. 'null' = the account had none;
-- NULL = a move begun before moves fixed one (they count by the account's).
ALTER TABLE moves ADD COLUMN sla_policy TEXT;
