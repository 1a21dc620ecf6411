-- File name search (issue 11, SQLite only): an FTS5 trigram index over room_files.name_lower
-- (external content: the names live only in room_files). A trigram MATCH finds substrings of three
-- characters or more, so a rare or absent fragment is answered from the index instead of a scan
-- of the room's files. Triggers keep it in step with every insert, rename and delete.
CREATE VIRTUAL TABLE `room_files_name_search` USING fts5(`name_lower`, content='room_files', content_rowid='id', tokenize='trigram');
--> statement-breakpoint
CREATE TRIGGER `room_files_name_search_ai` AFTER INSERT ON `room_files` BEGIN
  INSERT INTO `room_files_name_search`(rowid, `name_lower`) VALUES (new.`id`, new.`name_lower`);
END;
--> statement-breakpoint
CREATE TRIGGER `room_files_name_search_ad` AFTER DELETE ON `room_files` BEGIN
  INSERT INTO `room_files_name_search`(`room_files_name_search`, rowid, `name_lower`) VALUES ('delete', old.`id`, old.`name_lower`);
END;
--> statement-breakpoint
CREATE TRIGGER `room_files_name_search_au` AFTER UPDATE OF `name_lower` ON `room_files` BEGIN
  INSERT INTO `room_files_name_search`(`room_files_name_search`, rowid, `name_lower`) VALUES ('delete', old.`id`, old.`name_lower`);
  INSERT INTO `room_files_name_search`(rowid, `name_lower`) VALUES (new.`id`, new.`name_lower`);
END;
--> statement-breakpoint
INSERT INTO `room_files_name_search`(`room_files_name_search`) VALUES ('rebuild');
