-- R33: an answer: who wrote it, to whom it goes, and where it is on its way
-- out. Its mail, made when it was committed (Message-ID and all), is its
-- original; a resend sends those bytes again.
ALTER TABLE messages ADD COLUMN author_id BIGINT REFERENCES users (id);
ALTER TABLE messages ADD COLUMN envelope_from TEXT;
ALTER TABLE messages ADD COLUMN envelope_to TEXT;
ALTER TABLE messages ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN next_attempt_at BIGINT;
-- A sender's claim: until then no other sender takes it.
ALTER TABLE messages ADD COLUMN sending_until BIGINT;
ALTER TABLE messages ADD COLUMN sent_at BIGINT;
CREATE INDEX messages_outbox ON messages (next_attempt_at) WHERE state = 'queued';

-- R33: the first answer on a ticket, against its first-reply SLA.
ALTER TABLE tickets ADD COLUMN first_replied_at BIGINT;
