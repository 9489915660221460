-- Custom migration (drizzle-kit generate --custom): drizzle-kit does not model triggers.
-- The seed keeps updated_at with a BEFORE UPDATE trigger; so do we, for every table that has one.
CREATE OR REPLACE FUNCTION reelsmith_set_updated_at() RETURNS trigger AS $$
BEGIN
  NEW.updated_at = now();
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER video_clips_updated_at BEFORE UPDATE ON video_clips FOR EACH ROW EXECUTE FUNCTION reelsmith_set_updated_at();
--> statement-breakpoint
CREATE TRIGGER video_productions_updated_at BEFORE UPDATE ON video_productions FOR EACH ROW EXECUTE FUNCTION reelsmith_set_updated_at();
--> statement-breakpoint
CREATE TRIGGER index_tasks_updated_at BEFORE UPDATE ON index_tasks FOR EACH ROW EXECUTE FUNCTION reelsmith_set_updated_at();
