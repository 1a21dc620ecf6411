-- Full-text search over messages (SQLite FTS5, external content: the text lives only in `messages`).
-- unicode61 with diacritics folded ("café" finds "cafe"); prefix indexes for 2 and 3 characters make
-- "partial words" (prefix queries) cheap. Triggers keep the index in step with every insert, edit
-- and delete in the same transaction; deleted messages (deleted_at set) are not indexed.
-- A second column, `scope`, holds filter tokens: `r<room id>`, `u<author id>` and `haslink`. Search
-- puts the reader's rooms and any from:/in:/has:link filter into the MATCH, so FTS5 intersects the
-- posting lists itself instead of returning every room's matches for SQL to throw away.
CREATE VIEW `message_search_source` AS
  SELECT `id`, `text`, 'r' || messages.`room_id` || ' u' || messages.`user_id` || CASE WHEN messages.`text` LIKE '%http://%' OR messages.`text` LIKE '%https://%' OR messages.`text` LIKE '%www.%' THEN ' haslink' ELSE '' END AS `scope` FROM `messages`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `message_search` USING fts5(`text`, `scope`, content='message_search_source', content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3');
--> statement-breakpoint
CREATE TRIGGER `message_search_ai` AFTER INSERT ON `messages` WHEN new.`deleted_at` IS NULL BEGIN
  INSERT INTO `message_search`(rowid, `text`, `scope`) VALUES (new.`id`, new.`text`, 'r' || new.`room_id` || ' u' || new.`user_id` || CASE WHEN new.`text` LIKE '%http://%' OR new.`text` LIKE '%https://%' OR new.`text` LIKE '%www.%' THEN ' haslink' ELSE '' END);
END;
--> statement-breakpoint
CREATE TRIGGER `message_search_ad` AFTER DELETE ON `messages` WHEN old.`deleted_at` IS NULL BEGIN
  INSERT INTO `message_search`(`message_search`, rowid, `text`, `scope`) VALUES ('delete', old.`id`, old.`text`, 'r' || old.`room_id` || ' u' || old.`user_id` || CASE WHEN old.`text` LIKE '%http://%' OR old.`text` LIKE '%https://%' OR old.`text` LIKE '%www.%' THEN ' haslink' ELSE '' END);
END;
--> statement-breakpoint
CREATE TRIGGER `message_search_au` AFTER UPDATE OF `text`, `deleted_at` ON `messages` BEGIN
  INSERT INTO `message_search`(`message_search`, rowid, `text`, `scope`) SELECT 'delete', old.`id`, old.`text`, 'r' || old.`room_id` || ' u' || old.`user_id` || CASE WHEN old.`text` LIKE '%http://%' OR old.`text` LIKE '%https://%' OR old.`text` LIKE '%www.%' THEN ' haslink' ELSE '' END WHERE old.`deleted_at` IS NULL;
  INSERT INTO `message_search`(rowid, `text`, `scope`) SELECT new.`id`, new.`text`, 'r' || new.`room_id` || ' u' || new.`user_id` || CASE WHEN new.`text` LIKE '%http://%' OR new.`text` LIKE '%https://%' OR new.`text` LIKE '%www.%' THEN ' haslink' ELSE '' END WHERE new.`deleted_at` IS NULL;
END;
--> statement-breakpoint
-- Backfill the messages written before this migration.
INSERT INTO `message_search`(rowid, `text`, `scope`) SELECT `id`, `text`, `scope` FROM `message_search_source` WHERE `id` IN (SELECT `id` FROM `messages` WHERE `deleted_at` IS NULL);
