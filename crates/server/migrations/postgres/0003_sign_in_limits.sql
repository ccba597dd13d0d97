-- The sign-in limits' buckets, shared by every server of the database, so a
-- guesser gets the same budget whichever replica each attempt reaches. Keys are
-- hashes (a pair) or addresses; failures leak away as `at` ages.
CREATE TABLE sign_in_failures (
    key      TEXT PRIMARY KEY,
    failures DOUBLE PRECISION NOT NULL,
    at       BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_at ON sign_in_failures (at);
