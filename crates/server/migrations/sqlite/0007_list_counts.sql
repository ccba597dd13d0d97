-- The lists at 1M conversations: an index per order the API serves, and totals kept
-- as they change instead of counted on each page.
--
-- Started order within a workspace: a deep page skips rows in the index alone. A
-- move changes a row's workspace and so moves its entry, but conversations are
-- stored as they start and a move walks them in id order, so the entries leave
-- and arrive in order.
DROP INDEX conversations_started_order;
CREATE INDEX conversations_list_order ON conversations (account_id, workspace, started_at, id);
-- Tickets by creation and by first-reply due time, those without SLA last.
CREATE INDEX tickets_created_order ON tickets (account_id, created_at, id);
CREATE INDEX tickets_due_order ON tickets (account_id, first_reply_due IS NULL, first_reply_due, id);

-- How many conversations each group holds, for any mix of the list filters (an
-- unassigned one has owner 0): a total is a sum over a few hundred rows, not a
-- count over a million.
CREATE TABLE conversation_counts (
    account_id INTEGER NOT NULL,
    workspace  TEXT NOT NULL,
    channel_id INTEGER NOT NULL,
    status     TEXT NOT NULL,
    owner_id   INTEGER NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (account_id, workspace, channel_id, status, owner_id)
) WITHOUT ROWID;
INSERT INTO conversation_counts
    SELECT account_id, workspace, current_channel_id, status, COALESCE(owner_id, 0), COUNT(*)
    FROM conversations GROUP BY 1, 2, 3, 4, 5;

-- The same for tickets, grouped by their conversation's workspace and channel.
CREATE TABLE ticket_counts (
    account_id INTEGER NOT NULL,
    workspace  TEXT NOT NULL,
    channel_id INTEGER NOT NULL,
    status_id  INTEGER NOT NULL,
    owner_id   INTEGER NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (account_id, workspace, channel_id, status_id, owner_id)
) WITHOUT ROWID;
INSERT INTO ticket_counts
    SELECT t.account_id, c.workspace, c.current_channel_id, t.status_id, COALESCE(t.owner_id, 0), COUNT(*)
    FROM tickets t JOIN conversations c ON c.id = t.conversation_id GROUP BY 1, 2, 3, 4, 5;

-- The conversations a move's batch counts itself, set-based, inside its
-- transaction: the triggers below leave them alone. Empty outside that transaction.
CREATE TABLE counted_apart (conversation_id INTEGER PRIMARY KEY);

CREATE TRIGGER conversation_counts_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO conversation_counts
        VALUES (new.account_id, new.workspace, new.current_channel_id, new.status, COALESCE(new.owner_id, 0), 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER conversation_counts_delete AFTER DELETE ON conversations BEGIN
    UPDATE conversation_counts SET n = n - 1
        WHERE account_id = old.account_id AND workspace = old.workspace AND channel_id = old.current_channel_id
          AND status = old.status AND owner_id = COALESCE(old.owner_id, 0);
END;
-- A conversation's change moves it, and its ticket, from one group to another
-- (one trigger: each trigger run costs a move's every row).
CREATE TRIGGER conversation_counts_update AFTER UPDATE OF workspace, current_channel_id, status, owner_id
    ON conversations
    WHEN (old.workspace IS NOT new.workspace OR old.current_channel_id IS NOT new.current_channel_id
      OR old.status IS NOT new.status OR old.owner_id IS NOT new.owner_id)
      AND NOT EXISTS (SELECT 1 FROM counted_apart WHERE conversation_id = new.id)
BEGIN
    UPDATE conversation_counts SET n = n - 1
        WHERE account_id = old.account_id AND workspace = old.workspace AND channel_id = old.current_channel_id
          AND status = old.status AND owner_id = COALESCE(old.owner_id, 0);
    INSERT INTO conversation_counts
        VALUES (new.account_id, new.workspace, new.current_channel_id, new.status, COALESCE(new.owner_id, 0), 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    UPDATE ticket_counts SET n = n - 1
        WHERE account_id = old.account_id AND workspace = old.workspace AND channel_id = old.current_channel_id
          AND status_id = (SELECT status_id FROM tickets WHERE conversation_id = old.id)
          AND owner_id = (SELECT COALESCE(owner_id, 0) FROM tickets WHERE conversation_id = old.id);
    INSERT INTO ticket_counts
        SELECT t.account_id, new.workspace, new.current_channel_id, t.status_id, COALESCE(t.owner_id, 0), 1
        FROM tickets t WHERE t.conversation_id = new.id
        ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER ticket_counts_insert AFTER INSERT ON tickets
    WHEN NOT EXISTS (SELECT 1 FROM counted_apart WHERE conversation_id = new.conversation_id)
BEGIN
    INSERT INTO ticket_counts
        SELECT new.account_id, c.workspace, c.current_channel_id, new.status_id, COALESCE(new.owner_id, 0), 1
        FROM conversations c WHERE c.id = new.conversation_id
        ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER ticket_counts_delete AFTER DELETE ON tickets BEGIN
    UPDATE ticket_counts SET n = n - 1
        WHERE account_id = old.account_id AND status_id = old.status_id AND owner_id = COALESCE(old.owner_id, 0)
          AND workspace = (SELECT workspace FROM conversations WHERE id = old.conversation_id)
          AND channel_id = (SELECT current_channel_id FROM conversations WHERE id = old.conversation_id);
END;
CREATE TRIGGER ticket_counts_update AFTER UPDATE OF status_id, owner_id ON tickets
    WHEN (old.status_id IS NOT new.status_id OR old.owner_id IS NOT new.owner_id)
      AND NOT EXISTS (SELECT 1 FROM counted_apart WHERE conversation_id = new.conversation_id)
BEGIN
    UPDATE ticket_counts SET n = n - 1
        WHERE account_id = old.account_id AND status_id = old.status_id AND owner_id = COALESCE(old.owner_id, 0)
          AND workspace = (SELECT workspace FROM conversations WHERE id = old.conversation_id)
          AND channel_id = (SELECT current_channel_id FROM conversations WHERE id = old.conversation_id);
    INSERT INTO ticket_counts
        SELECT new.account_id, c.workspace, c.current_channel_id, new.status_id, COALESCE(new.owner_id, 0), 1
        FROM conversations c WHERE c.id = new.conversation_id
        ON CONFLICT DO UPDATE SET n = n + 1;
END;
