-- A channel's history is its inbox conversations by original channel (R19), walked in
-- id order. With the channel alone, SQLite picked (original_channel_id, started_at)
-- and walked the history in time order: random reads and random ticket inserts.
DROP INDEX conversations_original;
CREATE INDEX conversations_history ON conversations (original_channel_id, workspace, id);
