-- R27: the language a user chose; NULL follows the browser.
ALTER TABLE users ADD COLUMN locale TEXT CHECK (locale IN ('en', 'de', 'nb'));
