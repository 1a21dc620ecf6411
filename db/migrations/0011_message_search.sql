-- Full-text search over messages (SQLite FTS5, external content: the text lives only in `messages`).
-- unicode61 with diacritics folded ("café" finds "cafe"); prefix indexes for 2 and 3 characters make
-- "partial words" (prefix queries) cheap. Triggers keep the index in step with every insert, edit
-- and delete in the same transaction; deleted messages (deleted_at set) are not indexed.
CREATE VIRTUAL TABLE `message_search` USING fts5(`text`, content='messages', content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3');
--> statement-breakpoint
CREATE TRIGGER `message_search_ai` AFTER INSERT ON `messages` WHEN new.`deleted_at` IS NULL BEGIN
  INSERT INTO `message_search`(rowid, `text`) VALUES (new.`id`, new.`text`);
END;
--> statement-breakpoint
CREATE TRIGGER `message_search_ad` AFTER DELETE ON `messages` WHEN old.`deleted_at` IS NULL BEGIN
  INSERT INTO `message_search`(`message_search`, rowid, `text`) VALUES ('delete', old.`id`, old.`text`);
END;
--> statement-breakpoint
CREATE TRIGGER `message_search_au` AFTER UPDATE OF `text`, `deleted_at` ON `messages` BEGIN
  INSERT INTO `message_search`(`message_search`, rowid, `text`) SELECT 'delete', old.`id`, old.`text` WHERE old.`deleted_at` IS NULL;
  INSERT INTO `message_search`(rowid, `text`) SELECT new.`id`, new.`text` WHERE new.`deleted_at` IS NULL;
END;
--> statement-breakpoint
-- Backfill the messages written before this migration.
INSERT INTO `message_search`(rowid, `text`) SELECT `id`, `text` FROM `messages` WHERE `deleted_at` IS NULL;
