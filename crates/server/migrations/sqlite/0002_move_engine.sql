-- The move engine: a move's history is the channel's conversations up to this id at
-- its start (R19); later ones arrive straight into help desk (R18).
ALTER TABLE moves ADD COLUMN history_max_id INTEGER NOT NULL DEFAULT 0;
-- The last fault that held a batch back (full disk, read-only file); cleared on progress.
ALTER TABLE moves ADD COLUMN last_error TEXT;

CREATE INDEX tickets_status ON tickets (account_id, status_id, id);
CREATE INDEX tickets_owner ON tickets (account_id, owner_id, id);
CREATE INDEX conversations_started ON conversations (original_channel_id, started_at);
