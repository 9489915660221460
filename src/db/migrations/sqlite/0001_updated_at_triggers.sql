-- Custom migration (drizzle-kit generate --custom): drizzle-kit does not model triggers.
-- updated_at is kept current by the database itself, so writes that bypass the ORM stay honest.
-- recursive_triggers is off by default in SQLite, so the inner UPDATE does not fire it again.
CREATE TRIGGER `video_clips_updated_at` AFTER UPDATE ON `video_clips` FOR EACH ROW WHEN NEW.updated_at = OLD.updated_at
BEGIN UPDATE `video_clips` SET `updated_at` = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE `id` = NEW.id; END;
--> statement-breakpoint
CREATE TRIGGER `video_productions_updated_at` AFTER UPDATE ON `video_productions` FOR EACH ROW WHEN NEW.updated_at = OLD.updated_at
BEGIN UPDATE `video_productions` SET `updated_at` = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE `id` = NEW.id; END;
--> statement-breakpoint
CREATE TRIGGER `index_tasks_updated_at` AFTER UPDATE ON `index_tasks` FOR EACH ROW WHEN NEW.updated_at = OLD.updated_at
BEGIN UPDATE `index_tasks` SET `updated_at` = CAST(unixepoch('subsec') * 1000 AS INTEGER) WHERE `id` = NEW.id; END;
