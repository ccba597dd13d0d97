-- The sweeper deletes expired sessions by their expiry.
CREATE INDEX sessions_expiry ON sessions (expires_at);
