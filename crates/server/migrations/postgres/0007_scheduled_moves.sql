-- R24: a move can be scheduled, and a scheduled one canceled.
ALTER TABLE moves DROP CONSTRAINT moves_state_check;
ALTER TABLE moves ADD CONSTRAINT moves_state_check
    CHECK (state IN ('scheduled', 'running', 'completed', 'canceled', 'failed'));
-- R24: the time a scheduled move was (last) set to start; NULL for "Start now".
-- started_at is, while scheduled, when it is to start; once started, when it did.
ALTER TABLE moves ADD COLUMN start_at BIGINT;
-- R24: why a scheduled move could not start, as the rules' facts (JSON).
ALTER TABLE moves ADD COLUMN failure TEXT;
-- I3, R4, R24: at most one scheduled or running move per account, enforced by the database.
DROP INDEX moves_one_running;
CREATE UNIQUE INDEX moves_one_active ON moves (account_id) WHERE state IN ('scheduled', 'running');
-- What the engine looks for each second: scheduled moves whose time has come.
CREATE INDEX moves_due ON moves (start_at) WHERE state = 'scheduled';
