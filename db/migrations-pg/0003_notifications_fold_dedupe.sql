-- Custom (issue 15): before the unique index notifications_fold_unique, rows that a fold race
-- duplicated (several unread 'message'/'dm' rows of one user, room and kind) are folded into the
-- newest one (counts summed); the older duplicates are deleted. Dialect-neutral SQL.
UPDATE notifications SET count = (
  SELECT sum(d.count) FROM notifications d
  WHERE d.user_id = notifications.user_id AND d.room_id = notifications.room_id AND d.kind = notifications.kind AND d.read_at IS NULL
)
WHERE read_at IS NULL AND room_id IS NOT NULL AND kind IN ('message', 'dm') AND id IN (
  SELECT max(id) FROM notifications WHERE read_at IS NULL AND room_id IS NOT NULL AND kind IN ('message', 'dm') GROUP BY user_id, room_id, kind HAVING count(*) > 1
);--> statement-breakpoint
DELETE FROM notifications
WHERE read_at IS NULL AND room_id IS NOT NULL AND kind IN ('message', 'dm') AND id NOT IN (
  SELECT max(id) FROM notifications WHERE read_at IS NULL AND room_id IS NOT NULL AND kind IN ('message', 'dm') GROUP BY user_id, room_id, kind
);
