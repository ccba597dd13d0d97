-- PostgreSQL's own limit for a move: the same changes a move of one channel's
-- whole history makes (R10, R11, R13, R16, R22 and the lists' kept totals), in the
-- fewest set-based statements, one transaction, with no batches and no progress
-- row, keeping the same report (R26) as move MOVE. The bench runs it with psql on
-- a copy of the database the move runs on:
--
--   psql -X -q -At -v channel=ID -v open_status=ID -v closed_status=ID -v now=MS -v move=MOVE -f limit.pg.sql
--
-- It prints the clock before BEGIN and after COMMIT (Unix seconds), so the time
-- it reports is the transaction's alone, not psql's start.
\set ON_ERROR_STOP on
SELECT extract(epoch FROM clock_timestamp());
BEGIN;
-- The totals change by set below, not a trigger a row: the count triggers sit out
-- this transaction (the foreign keys and the unique ticket per conversation stay).
ALTER TABLE conversations DISABLE TRIGGER USER;
ALTER TABLE tickets DISABLE TRIGGER USER;

-- The stretch's totals out: its conversations and their kept tickets.
WITH s AS (
    SELECT id, account_id, workspace, current_channel_id, status, owner_id FROM conversations
    WHERE original_channel_id = :channel AND workspace = 'inbox'
), c AS (
    INSERT INTO conversation_counts
    SELECT account_id, workspace, current_channel_id, status, COALESCE(owner_id, 0), -COUNT(*)
    FROM s GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (account_id, workspace, channel_id, status, owner_id)
    DO UPDATE SET n = conversation_counts.n + excluded.n
)
INSERT INTO ticket_counts
SELECT t.account_id, s.workspace, s.current_channel_id, t.status_id, COALESCE(t.owner_id, 0), -COUNT(*)
FROM s JOIN tickets t ON t.conversation_id = s.id GROUP BY 1, 2, 3, 4, 5
ON CONFLICT (account_id, workspace, channel_id, status_id, owner_id)
DO UPDATE SET n = ticket_counts.n + excluded.n;

-- R26: the report's kept tickets, as they are before their owners are looked at.
INSERT INTO move_items (move_id, conversation_id, ticket_id, created, arrived, status_id,
    owner_id, unassigned_reason)
SELECT :move, c.id, t.id, 0, 0, t.status_id,
    CASE WHEN u.help_desk_access = 1 THEN t.owner_id END,
    CASE WHEN t.owner_id IS NULL THEN 'no_owner' WHEN u.help_desk_access = 1 THEN NULL
         ELSE 'owner_without_access' END
FROM conversations c JOIN tickets t ON t.conversation_id = c.id LEFT JOIN users u ON u.id = t.owner_id
WHERE c.original_channel_id = :channel AND c.workspace = 'inbox';

-- R10, R13: a kept ticket loses an owner without help desk access, and one
-- without SLA gets due times from its own creation.
UPDATE tickets t SET
    owner_id = CASE WHEN EXISTS (SELECT 1 FROM users u WHERE u.id = t.owner_id AND u.help_desk_access = 1)
        THEN t.owner_id END,
    first_reply_due = CASE WHEN t.first_reply_due IS NULL AND p.id IS NOT NULL
        THEN t.created_at + p.first_reply_seconds * 1000 ELSE t.first_reply_due END,
    close_due = CASE WHEN t.first_reply_due IS NULL AND p.id IS NOT NULL
        THEN t.created_at + p.close_seconds * 1000 ELSE t.close_due END
FROM conversations c
LEFT JOIN sla_policies p ON p.account_id = c.account_id
WHERE c.id = t.conversation_id AND c.original_channel_id = :channel AND c.workspace = 'inbox'
  AND ((t.owner_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = t.owner_id AND u.help_desk_access = 1))
       OR (t.first_reply_due IS NULL AND p.id IS NOT NULL));

-- R11, R13, R22, R26: the missing tickets, a notification for each one with an
-- owner, and the report's row for each.
WITH created AS (
    INSERT INTO tickets (account_id, conversation_id, pipeline_id, status_id, owner_id, created_at,
        first_reply_due, close_due)
    SELECT c.account_id, c.id, s.pipeline_id,
        CASE WHEN c.status = 'open' THEN :open_status ELSE :closed_status END,
        CASE WHEN u.help_desk_access = 1 THEN c.owner_id END,
        c.started_at, c.started_at + p.first_reply_seconds * 1000, c.started_at + p.close_seconds * 1000
    FROM conversations c
    JOIN pipeline_statuses s ON s.id = :open_status
    LEFT JOIN sla_policies p ON p.account_id = c.account_id
    LEFT JOIN users u ON u.id = c.owner_id
    WHERE c.original_channel_id = :channel AND c.workspace = 'inbox'
      AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.conversation_id = c.id)
    RETURNING id, owner_id, conversation_id, status_id
), notified AS (
    INSERT INTO notifications (user_id, kind, ticket_id, created_at)
    SELECT owner_id, 'ticket_created', id, :now FROM created WHERE owner_id IS NOT NULL
)
INSERT INTO move_items (move_id, conversation_id, ticket_id, created, arrived, status_id,
    owner_id, unassigned_reason)
SELECT :move, n.conversation_id, n.id, 1, 0, n.status_id, n.owner_id,
    CASE WHEN n.owner_id IS NOT NULL THEN NULL WHEN c.owner_id IS NULL THEN 'no_owner'
         ELSE 'owner_without_access' END
FROM created n JOIN conversations c ON c.id = n.conversation_id;

-- The conversations to help desk, each owned as its ticket is, and their totals in.
WITH moved AS (
    UPDATE conversations c SET workspace = 'help_desk', owner_id = t.owner_id
    FROM tickets t
    WHERE t.conversation_id = c.id AND c.original_channel_id = :channel AND c.workspace = 'inbox'
    RETURNING c.id, c.account_id, c.workspace, c.current_channel_id, c.status, c.owner_id,
        t.status_id, t.owner_id AS ticket_owner_id
), c AS (
    INSERT INTO conversation_counts
    SELECT account_id, workspace, current_channel_id, status, COALESCE(owner_id, 0), COUNT(*)
    FROM moved GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (account_id, workspace, channel_id, status, owner_id)
    DO UPDATE SET n = conversation_counts.n + excluded.n
)
INSERT INTO ticket_counts
SELECT account_id, workspace, current_channel_id, status_id, COALESCE(ticket_owner_id, 0), COUNT(*)
FROM moved GROUP BY 1, 2, 3, 4, 5
ON CONFLICT (account_id, workspace, channel_id, status_id, owner_id)
DO UPDATE SET n = ticket_counts.n + excluded.n;

-- R16: the channel itself.
UPDATE channels SET workspace = 'help_desk' WHERE id = :channel;

ALTER TABLE conversations ENABLE TRIGGER USER;
ALTER TABLE tickets ENABLE TRIGGER USER;
COMMIT;
SELECT extract(epoch FROM clock_timestamp());
