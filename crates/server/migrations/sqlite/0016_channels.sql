-- R30: channels super admins connect themselves. A form has a public key (R32);
-- round robin remembers whose turn was last.
ALTER TABLE channels ADD COLUMN form_key TEXT;
CREATE UNIQUE INDEX channels_form_key ON channels (form_key);
ALTER TABLE channels ADD COLUMN round_robin_last INTEGER REFERENCES users (id);
UPDATE channels SET form_key = lower(hex(randomblob(16))) WHERE kind = 'form';

-- R6, R30: settings in API.md's shape. Routing to one owner stays routing to
-- them; automation was a list of rules that always ran, so it stays on.
UPDATE channels SET settings = json_object(
    'signature', json_extract(settings, '$.signature'),
    'routing', CASE
        WHEN json_extract(settings, '$.routing.owner_id') IS NULL THEN json_object('mode', 'none')
        ELSE json_object('mode', 'user', 'user_id', json_extract(settings, '$.routing.owner_id'))
    END,
    'automation', json('true'),
    'ticket_status_id', json_extract(settings, '$.ticket_creation.status_id')
);

-- R30: a channel connected straight to help desk has no inbox. SQLite can't drop a
-- NOT NULL with ALTER TABLE, and rebuilding the table would need foreign keys off,
-- which can't change inside the migration's transaction. Removing a NOT NULL
-- changes nothing stored, so the table's definition is edited in place, as
-- https://sqlite.org/lang_altertable.html ("otheralter") describes; RESET makes
-- this connection read it again, the schema change after it every other one.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
SET sql = replace(sql, 'inbox_id   INTEGER NOT NULL REFERENCES inboxes (id)',
                       'inbox_id   INTEGER REFERENCES inboxes (id)')
WHERE type = 'table' AND name = 'channels';
PRAGMA writable_schema = RESET;
CREATE INDEX channels_inbox ON channels (inbox_id);
