-- Deskmove's schema. Times are Unix milliseconds (INTEGER), booleans 0/1, JSON as TEXT:
-- plain types that SQLite and PostgreSQL share, so one code path serves both.

CREATE TABLE accounts (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE users (
    id               INTEGER PRIMARY KEY,
    account_id       INTEGER NOT NULL REFERENCES accounts (id),
    name             TEXT NOT NULL,
    email            TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('super_admin', 'agent')),
    help_desk_access INTEGER NOT NULL CHECK (help_desk_access IN (0, 1)),
    password_hash    TEXT NOT NULL
);
-- An email signs in to exactly one user; stored lower-case.
CREATE UNIQUE INDEX users_email ON users (email);
CREATE INDEX users_account ON users (account_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE inboxes (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    name       TEXT NOT NULL
);
CREATE INDEX inboxes_account ON inboxes (account_id);

CREATE TABLE channels (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    inbox_id   INTEGER NOT NULL REFERENCES inboxes (id),
    kind       TEXT NOT NULL CHECK (kind IN ('email', 'form', 'calling', 'chat', 'whatsapp', 'messenger', 'fallback_email')),
    name       TEXT NOT NULL,
    address    TEXT NOT NULL,
    workspace  TEXT NOT NULL CHECK (workspace IN ('inbox', 'help_desk')),
    -- ChannelSettings as JSON; a move never rewrites it (R6).
    settings   TEXT NOT NULL
);
CREATE INDEX channels_account ON channels (account_id);

CREATE TABLE chatflows (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('chat', 'whatsapp', 'messenger')),
    channel_id INTEGER NOT NULL UNIQUE REFERENCES channels (id),
    -- Bot as JSON, or NULL for a chatflow without a bot.
    bot        TEXT
);
CREATE INDEX chatflows_account ON chatflows (account_id);

-- The help desk ticket pipeline: one per account.
CREATE TABLE pipelines (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL UNIQUE REFERENCES accounts (id),
    name       TEXT NOT NULL
);

CREATE TABLE pipeline_statuses (
    id          INTEGER PRIMARY KEY,
    pipeline_id INTEGER NOT NULL REFERENCES pipelines (id),
    label       TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('open', 'closed')),
    position    INTEGER NOT NULL
);
CREATE INDEX pipeline_statuses_pipeline ON pipeline_statuses (pipeline_id, position);

CREATE TABLE sla_policies (
    id                  INTEGER PRIMARY KEY,
    account_id          INTEGER NOT NULL UNIQUE REFERENCES accounts (id),
    name                TEXT NOT NULL,
    first_reply_seconds INTEGER NOT NULL CHECK (first_reply_seconds > 0),
    close_seconds       INTEGER NOT NULL CHECK (close_seconds > 0)
);

CREATE TABLE conversations (
    id                  INTEGER PRIMARY KEY,
    account_id          INTEGER NOT NULL REFERENCES accounts (id),
    original_channel_id INTEGER NOT NULL REFERENCES channels (id),
    current_channel_id  INTEGER NOT NULL REFERENCES channels (id),
    status              TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    owner_id            INTEGER REFERENCES users (id),
    started_at          INTEGER NOT NULL,
    workspace           TEXT NOT NULL CHECK (workspace IN ('inbox', 'help_desk')),
    contact             TEXT NOT NULL,
    subject             TEXT NOT NULL
);
-- A move walks its history by original channel (R19) in id order.
CREATE INDEX conversations_original ON conversations (original_channel_id, id);
CREATE INDEX conversations_current ON conversations (current_channel_id, id);
CREATE INDEX conversations_workspace ON conversations (account_id, workspace, id);

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id),
    body            TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);

CREATE TABLE tickets (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES accounts (id),
    -- I1: the database itself refuses a second ticket for a conversation.
    conversation_id INTEGER NOT NULL UNIQUE REFERENCES conversations (id),
    pipeline_id     INTEGER NOT NULL REFERENCES pipelines (id),
    status_id       INTEGER NOT NULL REFERENCES pipeline_statuses (id),
    owner_id        INTEGER REFERENCES users (id),
    created_at      INTEGER NOT NULL,
    first_reply_due INTEGER,
    close_due       INTEGER
);
CREATE INDEX tickets_account ON tickets (account_id, id);

CREATE TABLE moves (
    id                 INTEGER PRIMARY KEY,
    account_id         INTEGER NOT NULL REFERENCES accounts (id),
    channel_id         INTEGER NOT NULL REFERENCES channels (id),
    requested_by       INTEGER NOT NULL REFERENCES users (id),
    history_mode       TEXT NOT NULL CHECK (history_mode IN ('all', 'none')),
    open_status_id     INTEGER REFERENCES pipeline_statuses (id),
    closed_status_id   INTEGER REFERENCES pipeline_statuses (id),
    mute_notifications INTEGER NOT NULL CHECK (mute_notifications IN (0, 1)),
    state              TEXT NOT NULL CHECK (state IN ('running', 'completed', 'failed')),
    total              INTEGER NOT NULL DEFAULT 0,
    moved              INTEGER NOT NULL DEFAULT 0,
    tickets_created    INTEGER NOT NULL DEFAULT 0,
    unassigned         INTEGER NOT NULL DEFAULT 0,
    arrived            INTEGER NOT NULL DEFAULT 0,
    -- The last history conversation id done: where a restarted server resumes (I4).
    resume_after       INTEGER NOT NULL DEFAULT 0,
    started_at         INTEGER NOT NULL,
    finished_at        INTEGER,
    error              TEXT
);
-- I3, R4: at most one running move per account, enforced by the database.
CREATE UNIQUE INDEX moves_one_running ON moves (account_id) WHERE state = 'running';
CREATE INDEX moves_account ON moves (account_id, id);

CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    kind       TEXT NOT NULL CHECK (kind IN ('ticket_created', 'ticket_assigned')),
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id),
    created_at INTEGER NOT NULL
);
CREATE INDEX notifications_user ON notifications (user_id, id);
