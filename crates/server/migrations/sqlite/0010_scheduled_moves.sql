-- R24: a move can be scheduled, and a scheduled one canceled. SQLite cannot change
-- a CHECK in place, so the table is rebuilt with the two new states and the start
-- time; nothing references moves.
CREATE TABLE moves_new (
    id                 INTEGER PRIMARY KEY,
    account_id         INTEGER NOT NULL REFERENCES accounts (id),
    channel_id         INTEGER NOT NULL REFERENCES channels (id),
    requested_by       INTEGER NOT NULL REFERENCES users (id),
    history_mode       TEXT NOT NULL CHECK (history_mode IN ('all', 'none')),
    open_status_id     INTEGER REFERENCES pipeline_statuses (id),
    closed_status_id   INTEGER REFERENCES pipeline_statuses (id),
    mute_notifications INTEGER NOT NULL CHECK (mute_notifications IN (0, 1)),
    state              TEXT NOT NULL
                       CHECK (state IN ('scheduled', 'running', 'completed', 'canceled', 'failed')),
    total              INTEGER NOT NULL DEFAULT 0,
    moved              INTEGER NOT NULL DEFAULT 0,
    tickets_created    INTEGER NOT NULL DEFAULT 0,
    unassigned         INTEGER NOT NULL DEFAULT 0,
    arrived            INTEGER NOT NULL DEFAULT 0,
    -- The last history conversation id done: where a restarted server resumes (I4).
    resume_after       INTEGER NOT NULL DEFAULT 0,
    -- While scheduled, when it is to start; once started, when it did.
    started_at         INTEGER NOT NULL,
    finished_at        INTEGER,
    error              TEXT,
    history_max_id     INTEGER NOT NULL DEFAULT 0,
    last_error         TEXT,
    driver             TEXT,
    lease_until        INTEGER NOT NULL DEFAULT 0,
    -- R24: the time a scheduled move was (last) set to start; NULL for "Start now".
    start_at           INTEGER,
    -- R24: why a scheduled move could not start, as the rules' facts (JSON).
    failure            TEXT
);
INSERT INTO moves_new (id, account_id, channel_id, requested_by, history_mode, open_status_id,
    closed_status_id, mute_notifications, state, total, moved, tickets_created, unassigned,
    arrived, resume_after, started_at, finished_at, error, history_max_id, last_error, driver,
    lease_until)
SELECT id, account_id, channel_id, requested_by, history_mode, open_status_id,
    closed_status_id, mute_notifications, state, total, moved, tickets_created, unassigned,
    arrived, resume_after, started_at, finished_at, error, history_max_id, last_error, driver,
    lease_until
FROM moves;
DROP TABLE moves;
ALTER TABLE moves_new RENAME TO moves;
-- I3, R4, R24: at most one scheduled or running move per account, enforced by the database.
CREATE UNIQUE INDEX moves_one_active ON moves (account_id) WHERE state IN ('scheduled', 'running');
CREATE INDEX moves_account ON moves (account_id, id);
-- What the engine looks for each second: scheduled moves whose time has come.
CREATE INDEX moves_due ON moves (start_at) WHERE state = 'scheduled';
