-- The lists' kept totals by statement, not by row: each statement that adds,
-- changes or removes conversations or tickets adjusts the totals once, grouped,
-- from its transition tables. A move's batch of a thousand conversations is then
-- a few grouped changes instead of two trigger calls a row, and needs no
-- `counted_apart` (SQLite, without transition tables, keeps its row triggers).
-- PostgreSQL allows one event per trigger with transition tables: three a table.
-- The functions read conversations and tickets by index only: the planner knows
-- nothing of a transition table's size, and read all tickets into a hash each
-- move batch (155 ms at 1M). A new ticket looks its conversation up in a subquery
-- of its own, a plan that can't read the whole table: plpgsql's cached plan,
-- made while the demo's first chunk went in, otherwise walked all conversations
-- for every later chunk of the seed (243 s for 1M, not 80). Hash joins stay on,
-- for joining a transition table to itself (as a subquery a row, that join took
-- 80 ms a batch, not 6), whatever the statement that fired the trigger had set.

DROP TRIGGER conversation_counts ON conversations;
DROP TRIGGER ticket_counts ON tickets;
DROP FUNCTION conversation_counts_change();
DROP FUNCTION ticket_counts_change();

CREATE FUNCTION deskmove_conversations_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A new conversation has no ticket yet: tickets reference it.
    INSERT INTO conversation_counts
        SELECT account_id, workspace, current_channel_id, status, COALESCE(owner_id, 0), COUNT(*)
        FROM new_rows GROUP BY 1, 2, 3, 4, 5
        ON CONFLICT (account_id, workspace, channel_id, status, owner_id)
        DO UPDATE SET n = conversation_counts.n + excluded.n;
    RETURN NULL;
END $$;

CREATE FUNCTION deskmove_conversations_updated() RETURNS trigger LANGUAGE plpgsql
    SET enable_seqscan = off SET enable_hashjoin = on SET enable_mergejoin = on AS $$
BEGIN
    -- Each changed conversation leaves its old group (-1) and joins its new one
    -- (+1); its ticket moves with it when its workspace or channel changed.
    WITH changed AS (
        SELECT o.id, o.account_id,
            o.workspace AS old_workspace, o.current_channel_id AS old_channel,
            o.status AS old_status, COALESCE(o.owner_id, 0) AS old_owner,
            n.workspace AS new_workspace, n.current_channel_id AS new_channel,
            n.status AS new_status, COALESCE(n.owner_id, 0) AS new_owner,
            (o.workspace, o.current_channel_id) <> (n.workspace, n.current_channel_id) AS ticket_moves
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (o.workspace, o.current_channel_id, o.status, o.owner_id)
            IS DISTINCT FROM (n.workspace, n.current_channel_id, n.status, n.owner_id)
    ), sides AS (
        SELECT id, account_id, old_workspace AS workspace, old_channel AS channel_id,
            old_status AS status, old_owner AS owner_id, -1 AS d, ticket_moves FROM changed
        UNION ALL
        SELECT id, account_id, new_workspace, new_channel, new_status, new_owner, 1, ticket_moves
        FROM changed
    ), conversations_counted AS (
        INSERT INTO conversation_counts
            SELECT account_id, workspace, channel_id, status, owner_id, SUM(d)
            FROM sides GROUP BY 1, 2, 3, 4, 5 HAVING SUM(d) <> 0
            ON CONFLICT (account_id, workspace, channel_id, status, owner_id)
            DO UPDATE SET n = conversation_counts.n + excluded.n
    )
    INSERT INTO ticket_counts
        SELECT t.account_id, s.workspace, s.channel_id, t.status_id, COALESCE(t.owner_id, 0), SUM(s.d)
        FROM sides s JOIN tickets t ON t.conversation_id = s.id
        WHERE s.ticket_moves
        GROUP BY 1, 2, 3, 4, 5 HAVING SUM(s.d) <> 0
        ON CONFLICT (account_id, workspace, channel_id, status_id, owner_id)
        DO UPDATE SET n = ticket_counts.n + excluded.n;
    RETURN NULL;
END $$;

CREATE FUNCTION deskmove_conversations_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Their tickets went first (they reference the conversation) and counted themselves.
    INSERT INTO conversation_counts
        SELECT account_id, workspace, current_channel_id, status, COALESCE(owner_id, 0), -COUNT(*)
        FROM old_rows GROUP BY 1, 2, 3, 4, 5
        ON CONFLICT (account_id, workspace, channel_id, status, owner_id)
        DO UPDATE SET n = conversation_counts.n + excluded.n;
    RETURN NULL;
END $$;

CREATE TRIGGER conversations_counted_insert AFTER INSERT ON conversations
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskmove_conversations_inserted();
CREATE TRIGGER conversations_counted_update AFTER UPDATE ON conversations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskmove_conversations_updated();
CREATE TRIGGER conversations_counted_delete AFTER DELETE ON conversations
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskmove_conversations_deleted();

-- A ticket is counted in its conversation's workspace and channel, as they are.
CREATE FUNCTION deskmove_tickets_inserted() RETURNS trigger LANGUAGE plpgsql
    SET enable_seqscan = off SET enable_hashjoin = on SET enable_mergejoin = on AS $$
BEGIN
    INSERT INTO ticket_counts
        SELECT x.account_id, (x.c).workspace, (x.c).current_channel_id, x.status_id, x.owner_id, COUNT(*)
        FROM (SELECT n.account_id, n.status_id, COALESCE(n.owner_id, 0) AS owner_id,
                     (SELECT c FROM conversations c WHERE c.id = n.conversation_id) AS c
              FROM new_rows n) AS x
        GROUP BY 1, 2, 3, 4, 5
        ON CONFLICT (account_id, workspace, channel_id, status_id, owner_id)
        DO UPDATE SET n = ticket_counts.n + excluded.n;
    RETURN NULL;
END $$;

CREATE FUNCTION deskmove_tickets_updated() RETURNS trigger LANGUAGE plpgsql
    SET enable_seqscan = off SET enable_hashjoin = on SET enable_mergejoin = on AS $$
BEGIN
    WITH changed AS (
        SELECT o.account_id AS old_account, o.conversation_id AS old_conversation,
            o.status_id AS old_status, COALESCE(o.owner_id, 0) AS old_owner,
            n.account_id AS new_account, n.conversation_id AS new_conversation,
            n.status_id AS new_status, COALESCE(n.owner_id, 0) AS new_owner
        FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (o.account_id, o.conversation_id, o.status_id, o.owner_id)
            IS DISTINCT FROM (n.account_id, n.conversation_id, n.status_id, n.owner_id)
    ), sides AS (
        SELECT old_account AS account_id, old_conversation AS conversation_id,
            old_status AS status_id, old_owner AS owner_id, -1 AS d FROM changed
        UNION ALL
        SELECT new_account, new_conversation, new_status, new_owner, 1 FROM changed
    )
    INSERT INTO ticket_counts
        SELECT x.account_id, (x.c).workspace, (x.c).current_channel_id, x.status_id, x.owner_id, SUM(x.d)
        FROM (SELECT s.account_id, s.status_id, s.owner_id, s.d,
                     (SELECT c FROM conversations c WHERE c.id = s.conversation_id) AS c
              FROM sides s) AS x
        GROUP BY 1, 2, 3, 4, 5 HAVING SUM(x.d) <> 0
        ON CONFLICT (account_id, workspace, channel_id, status_id, owner_id)
        DO UPDATE SET n = ticket_counts.n + excluded.n;
    RETURN NULL;
END $$;

CREATE FUNCTION deskmove_tickets_deleted() RETURNS trigger LANGUAGE plpgsql
    SET enable_seqscan = off SET enable_hashjoin = on SET enable_mergejoin = on AS $$
BEGIN
    INSERT INTO ticket_counts
        SELECT x.account_id, (x.c).workspace, (x.c).current_channel_id, x.status_id, x.owner_id, -COUNT(*)
        FROM (SELECT o.account_id, o.status_id, COALESCE(o.owner_id, 0) AS owner_id,
                     (SELECT c FROM conversations c WHERE c.id = o.conversation_id) AS c
              FROM old_rows o) AS x
        GROUP BY 1, 2, 3, 4, 5
        ON CONFLICT (account_id, workspace, channel_id, status_id, owner_id)
        DO UPDATE SET n = ticket_counts.n + excluded.n;
    RETURN NULL;
END $$;

CREATE TRIGGER tickets_counted_insert AFTER INSERT ON tickets
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskmove_tickets_inserted();
CREATE TRIGGER tickets_counted_update AFTER UPDATE ON tickets
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskmove_tickets_updated();
CREATE TRIGGER tickets_counted_delete AFTER DELETE ON tickets
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskmove_tickets_deleted();
