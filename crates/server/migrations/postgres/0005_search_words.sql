-- Search words in a table of their own, as SQLite keeps them in its FTS table:
-- kept by triggers when a conversation is added or its contact or subject
-- change, and nothing else. With the GIN index on the conversations themselves,
-- every other change of a conversation (a move's batch, an owner, a status) wrote
-- its words into the index again and recomputed them, accents folded, a row at a time.
DROP INDEX conversations_search;
CREATE TABLE conversation_words (
    conversation_id BIGINT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    words           TSVECTOR NOT NULL
);
INSERT INTO conversation_words
    SELECT id, to_tsvector('simple', deskmove_words(contact || ' ' || subject)) FROM conversations;
CREATE INDEX conversation_words_search ON conversation_words USING GIN (words);

CREATE FUNCTION deskmove_words_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO conversation_words
        SELECT id, to_tsvector('simple', deskmove_words(contact || ' ' || subject)) FROM new_rows;
    RETURN NULL;
END $$;
CREATE TRIGGER conversations_words_insert AFTER INSERT ON conversations
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION deskmove_words_inserted();

-- A trigger on named columns can't have transition tables: a row at a time, and
-- only when contact or subject is set.
CREATE FUNCTION deskmove_words_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE conversation_words
        SET words = to_tsvector('simple', deskmove_words(NEW.contact || ' ' || NEW.subject))
        WHERE conversation_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER conversations_words_update AFTER UPDATE OF contact, subject ON conversations
    FOR EACH ROW EXECUTE FUNCTION deskmove_words_updated();
