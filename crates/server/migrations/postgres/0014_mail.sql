-- R32, R33: a message knows who sent it and which way it went; an answer where
-- it is on its way out; received mail what came attached.
ALTER TABLE messages ADD COLUMN direction TEXT NOT NULL DEFAULT 'in'
    CHECK (direction IN ('in', 'out'));
ALTER TABLE messages ADD COLUMN sender TEXT;
ALTER TABLE messages ADD COLUMN state TEXT CHECK (state IN ('queued', 'sent', 'failed'));
ALTER TABLE messages ADD COLUMN error TEXT;
-- JSON: [{"name","content_type","size"}].
ALTER TABLE messages ADD COLUMN attachments TEXT;

-- R32: every Message-ID the account knows, received or sent, and the
-- conversation it belongs to: a reply naming one threads there, the same one
-- again changes nothing. `threaded` is what the first delivery answered.
CREATE TABLE mail_ids (
    account_id      BIGINT NOT NULL REFERENCES accounts (id),
    message_id      TEXT NOT NULL,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id),
    message_row     BIGINT NOT NULL REFERENCES messages (id),
    threaded        BIGINT NOT NULL,
    PRIMARY KEY (account_id, message_id)
);
CREATE INDEX mail_ids_message ON mail_ids (message_row);
-- A message seen before is known by its id alone, whatever its recipients now.
CREATE INDEX mail_ids_id ON mail_ids (message_id);

-- R32: the original of received mail, attachments and all, written in the
-- same transaction as its message, so one is never without the other; it is
-- in the database, so a backup of the database has it.
CREATE TABLE mail_originals (
    message_row BIGINT PRIMARY KEY REFERENCES messages (id),
    raw         BYTEA NOT NULL
);
