-- R29, R33: invitations and reset links mailed through the relay, by the same
-- sender as answers. The mail holds a live link: it is kept only until it is
-- sent or given up, and one whose link was used, replaced or ran out is not
-- sent at all.
CREATE TABLE link_mail (
    id              INTEGER PRIMARY KEY,
    link            TEXT NOT NULL REFERENCES links (token_hash),
    envelope_from   TEXT NOT NULL,
    envelope_to     TEXT NOT NULL,
    raw             BLOB,
    state           TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed')),
    error           TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    sending_until   INTEGER,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);
CREATE INDEX link_mail_outbox ON link_mail (next_attempt_at) WHERE state = 'queued';
CREATE INDEX link_mail_link ON link_mail (link);
