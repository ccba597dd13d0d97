-- R28: the first-run set-up. One row at most: the hash of the set-up token (never
-- the token), and when set-up happened; once done, it never happens again.
CREATE TABLE setup (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    token_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    done_at    INTEGER
);
