-- R26: what each move did to each conversation it moved (history and arrivals),
-- written by the batch (or the arrival) that moved it, in its transaction. Kept
-- as it was then: the ticket's later life is the ticket's own. Append-only and
-- keyed by move, so a report reads in conversation order; no foreign keys, as
-- the rows are written only next to the rows they name.
CREATE TABLE move_items (
    move_id           INTEGER NOT NULL,
    conversation_id   INTEGER NOT NULL,
    ticket_id         INTEGER NOT NULL,
    created           INTEGER NOT NULL,   -- 1: the move created the ticket; 0: kept
    arrived           INTEGER NOT NULL,   -- 1: arrived while the move ran (R7, R18)
    status_id         INTEGER NOT NULL,
    owner_id          INTEGER,
    unassigned_reason TEXT CHECK (unassigned_reason IN ('owner_without_access', 'no_owner')),
    PRIMARY KEY (move_id, conversation_id)
) WITHOUT ROWID;
-- The report's filters, each a page walk of its own.
CREATE INDEX move_items_created ON move_items (move_id, conversation_id) WHERE created = 1;
CREATE INDEX move_items_kept ON move_items (move_id, conversation_id) WHERE created = 0;
CREATE INDEX move_items_arrived ON move_items (move_id, conversation_id) WHERE arrived = 1;
CREATE INDEX move_items_unassigned ON move_items (move_id, conversation_id)
    WHERE unassigned_reason IS NOT NULL;
-- Moves made before this migration kept no report: `check` and the app tell them
-- apart. Rows from here on take the default.
ALTER TABLE moves ADD COLUMN reported INTEGER NOT NULL DEFAULT 1;
UPDATE moves SET reported = 0;
