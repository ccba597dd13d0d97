-- The lists' numbered pages: conversations by started time within a workspace,
-- tickets by creation time.
CREATE INDEX conversations_started_order ON conversations (account_id, workspace, started_at, id);
CREATE INDEX tickets_created_order ON tickets (account_id, created_at, id);
