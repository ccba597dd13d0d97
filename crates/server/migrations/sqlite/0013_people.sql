-- R29: where each user stands (an invited one has no password yet; a deactivated
-- one can't sign in) and when they last signed in.
ALTER TABLE users ADD COLUMN state TEXT NOT NULL DEFAULT 'active'
    CHECK (state IN ('invited', 'active', 'deactivated'));
ALTER TABLE users ADD COLUMN last_sign_in_at INTEGER;

-- R29: one-time links that set a user's password: an invitation (7 days) or a
-- reset (24 hours). Kept by the hash of their token, never the token; a link is
-- spent once used, and a newer link of the same user spends the older ones.
CREATE TABLE links (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    kind       TEXT NOT NULL CHECK (kind IN ('invite', 'reset')),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX links_user ON links (user_id);
