-- The lists' numbered pages: conversations in started order. Neither workspace
-- nor owner is in the index, so a move's updates never touch it (with workspace
-- in it, a 300k move took 5.7 times as long: each row's entry moved to a random
-- page); an arrival, starting now, appends to it.
CREATE INDEX conversations_started_order ON conversations (account_id, started_at, id);
