-- R30: channels super admins connect themselves. A channel connected straight to
-- help desk has no inbox (inbox_id NULL); a form has a public key (R32); round
-- robin remembers whose turn was last.
ALTER TABLE channels ALTER COLUMN inbox_id DROP NOT NULL;
ALTER TABLE channels ADD COLUMN form_key TEXT UNIQUE;
ALTER TABLE channels ADD COLUMN round_robin_last BIGINT REFERENCES users (id);
UPDATE channels SET form_key = md5(random()::text || clock_timestamp()::text || id::text)
WHERE kind = 'form';
-- R6, R30: settings in API.md's shape. Routing to one owner stays routing to
-- them; automation was a list of rules that always ran, so it stays on.
UPDATE channels SET settings = jsonb_build_object(
    'signature', COALESCE(settings::jsonb -> 'signature', 'null'::jsonb),
    'routing', CASE
        WHEN COALESCE(settings::jsonb #> '{routing,owner_id}', 'null'::jsonb) = 'null'::jsonb
            THEN '{"mode":"none"}'::jsonb
        ELSE jsonb_build_object('mode', 'user', 'user_id', settings::jsonb #> '{routing,owner_id}')
    END,
    'automation', true,
    'ticket_status_id', COALESCE(settings::jsonb #> '{ticket_creation,status_id}', 'null'::jsonb)
)::text;
