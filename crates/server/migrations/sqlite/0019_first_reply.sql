-- R33: the first answer, kept on the conversation too: a conversation answered
-- in the inbox and moved later has met its first reply before its ticket was
-- made, and the ticket takes it from here. Only answers that did not fail count.
ALTER TABLE conversations ADD COLUMN first_replied_at INTEGER;
UPDATE conversations SET first_replied_at = (
    SELECT MIN(m.created_at) FROM messages m
    WHERE m.conversation_id = conversations.id AND m.direction = 'out' AND m.state <> 'failed')
WHERE id IN (SELECT conversation_id FROM messages WHERE direction = 'out');
UPDATE tickets SET first_replied_at = (
    SELECT c.first_replied_at FROM conversations c WHERE c.id = tickets.conversation_id)
WHERE conversation_id IN (SELECT conversation_id FROM messages WHERE direction = 'out');

-- R33: "due" lists the tickets still waiting for their first answer first,
-- soonest due first (0), then the answered ones (1), then those without an SLA
-- (2), the same on both engines whatever they do with NULLs; the overdue
-- tickets are the start of that order.
DROP INDEX tickets_due_order;
CREATE INDEX tickets_due_order ON tickets (
    account_id,
    (CASE WHEN first_reply_due IS NULL THEN 2 WHEN first_replied_at IS NOT NULL THEN 1 ELSE 0 END),
    first_reply_due,
    id);
