-- Search over a conversation's contact and subject by the start of each word,
-- accents and case folded, kept in step with the conversations by triggers. (A
-- trigram index finds any run of characters, but at 1M conversations its seed
-- took 13 s more and its pages several times the space.)
CREATE VIRTUAL TABLE conversations_search USING fts5(
    contact, subject, content = 'conversations', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE TRIGGER conversations_search_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO conversations_search (rowid, contact, subject) VALUES (new.id, new.contact, new.subject);
END;
CREATE TRIGGER conversations_search_delete AFTER DELETE ON conversations BEGIN
    INSERT INTO conversations_search (conversations_search, rowid, contact, subject)
        VALUES ('delete', old.id, old.contact, old.subject);
END;
CREATE TRIGGER conversations_search_update AFTER UPDATE OF contact, subject ON conversations BEGIN
    INSERT INTO conversations_search (conversations_search, rowid, contact, subject)
        VALUES ('delete', old.id, old.contact, old.subject);
    INSERT INTO conversations_search (rowid, contact, subject) VALUES (new.id, new.contact, new.subject);
END;
INSERT INTO conversations_search (conversations_search) VALUES ('rebuild');
