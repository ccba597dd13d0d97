-- Which server drives a running move, and until when its claim holds: each batch
-- renews it, and once it lapses (a killed server) any server takes the move over.
ALTER TABLE moves ADD COLUMN driver TEXT;
ALTER TABLE moves ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;
