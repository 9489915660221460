CREATE TABLE "jobs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"queue" text NOT NULL,
	"name" text NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer DEFAULT 3 NOT NULL,
	"run_at" timestamp with time zone NOT NULL,
	"locked_by" text,
	"locked_until" timestamp with time zone,
	"dedupe_key" text,
	"result" jsonb,
	"error" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "job_status_valid" CHECK ("jobs"."status" IN ('queued','active','completed','failed')),
	CONSTRAINT "job_queue_valid" CHECK ("jobs"."queue" IN ('index','llm','render','maintenance'))
);
--> statement-breakpoint
CREATE TABLE "llm_cache" (
	"key" text PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"task" text NOT NULL,
	"response" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "llm_usage" (
	"id" uuid PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"task" text NOT NULL,
	"day" text NOT NULL,
	"input_tokens" integer DEFAULT 0 NOT NULL,
	"output_tokens" integer DEFAULT 0 NOT NULL,
	"cost_usd" double precision DEFAULT 0 NOT NULL,
	"latency_ms" double precision DEFAULT 0 NOT NULL,
	"status" text NOT NULL,
	"cached" boolean DEFAULT false NOT NULL,
	"error" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "production_edits" (
	"id" uuid PRIMARY KEY NOT NULL,
	"production_id" uuid NOT NULL,
	"author" text NOT NULL,
	"kind" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "production_metric_reports" (
	"production_id" uuid NOT NULL,
	"report_id" text NOT NULL,
	"views" integer,
	"likes" integer,
	"comments" integer,
	"avg_watch_time" double precision,
	"retention_rate" double precision,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "production_metric_reports_production_id_report_id_pk" PRIMARY KEY("production_id","report_id"),
	CONSTRAINT "retention_rate_range" CHECK (retention_rate IS NULL OR (retention_rate >= 0 AND retention_rate <= 1))
);
--> statement-breakpoint
CREATE TABLE "reference_tracks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"file_path" text NOT NULL,
	"file_hash" text NOT NULL,
	"title" text NOT NULL,
	"duration_seconds" double precision NOT NULL,
	"fingerprint" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "thumbnail_variants" (
	"id" uuid PRIMARY KEY NOT NULL,
	"production_id" uuid NOT NULL,
	"variant" integer NOT NULL,
	"strategy" text NOT NULL,
	"size" text NOT NULL,
	"image_path" text NOT NULL,
	"clip_id" uuid,
	"time_seconds" double precision,
	"impressions" integer DEFAULT 0 NOT NULL,
	"clicks" integer DEFAULT 0 NOT NULL,
	"chosen" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
DROP VIEW "public"."underutilized_clips";--> statement-breakpoint
DROP VIEW "public"."usable_clips";--> statement-breakpoint
ALTER TABLE "production_clips" ADD COLUMN "usage_counted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "video_clips" ADD COLUMN "rights_issues" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "video_clips" ADD COLUMN "rights_confidence" double precision;--> statement-breakpoint
ALTER TABLE "production_edits" ADD CONSTRAINT "production_edits_production_id_video_productions_id_fk" FOREIGN KEY ("production_id") REFERENCES "public"."video_productions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_metric_reports" ADD CONSTRAINT "production_metric_reports_production_id_video_productions_id_fk" FOREIGN KEY ("production_id") REFERENCES "public"."video_productions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "thumbnail_variants" ADD CONSTRAINT "thumbnail_variants_production_id_video_productions_id_fk" FOREIGN KEY ("production_id") REFERENCES "public"."video_productions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_jobs_ready" ON "jobs" USING btree ("queue","status","run_at");--> statement-breakpoint
CREATE UNIQUE INDEX "jobs_dedupe_key" ON "jobs" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "idx_llm_usage_day" ON "llm_usage" USING btree ("day");--> statement-breakpoint
CREATE INDEX "idx_production_edits_production" ON "production_edits" USING btree ("production_id");--> statement-breakpoint
CREATE UNIQUE INDEX "reference_tracks_file_hash_key" ON "reference_tracks" USING btree ("file_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "thumbnail_variants_key" ON "thumbnail_variants" USING btree ("production_id","variant","size");--> statement-breakpoint
CREATE VIEW "public"."underutilized_clips" AS (select "id", "external_id", "file_path", "file_hash", "duration_seconds", "resolution_width", "resolution_height", "fps", "file_size_bytes", "codec", "audio_codec", "created_at", "uploaded_at", "last_analyzed_at", "updated_at", "status", "status_reason", "rights_cleared", "rights_reason", "rights_override", "rights_issues", "rights_confidence", "license", "attribution", "source", "scene_description", "visual_elements", "key_moments", "emotional_tone", "intensity", "surprise_factor", "viral_potential", "impact_score", "narrative_arc", "standalone", "pacing", "audio_transcript", "transcript_words", "sound_events", "sound_event_spans", "has_speech", "has_background_music", "dominant_frequency_hz", "loudness_lufs", "detected_objects", "detected_actions", "faces", "face_count", "on_screen_text", "shots", "motion_curve", "perceptual_hash", "duplicate_of", "theme_fails_accidents", "theme_extreme_sports", "theme_comedy", "theme_wholesome", "theme_instant_regret", "theme_tutorial_fail", "theme_animal_antics", "theme_epic_wins", "theme_custom", "score_sources", "absent_signals", "times_used", "times_shown", "avg_watch_time_seconds", "avg_retention_rate", "click_through_rate", "last_used_at", "avg_user_rating", "embedding_id", "thumbnail_path", "frames_cache_path", "custom_metadata", "notes" from "video_clips" where "video_clips"."status" = 'analyzed' AND "video_clips"."rights_cleared" = true AND "video_clips"."viral_potential" >= 7 AND "video_clips"."times_used" < 3 order by "video_clips"."viral_potential" DESC, "video_clips"."times_used" ASC);--> statement-breakpoint
CREATE VIEW "public"."usable_clips" AS (select "id", "external_id", "file_path", "file_hash", "duration_seconds", "resolution_width", "resolution_height", "fps", "file_size_bytes", "codec", "audio_codec", "created_at", "uploaded_at", "last_analyzed_at", "updated_at", "status", "status_reason", "rights_cleared", "rights_reason", "rights_override", "rights_issues", "rights_confidence", "license", "attribution", "source", "scene_description", "visual_elements", "key_moments", "emotional_tone", "intensity", "surprise_factor", "viral_potential", "impact_score", "narrative_arc", "standalone", "pacing", "audio_transcript", "transcript_words", "sound_events", "sound_event_spans", "has_speech", "has_background_music", "dominant_frequency_hz", "loudness_lufs", "detected_objects", "detected_actions", "faces", "face_count", "on_screen_text", "shots", "motion_curve", "perceptual_hash", "duplicate_of", "theme_fails_accidents", "theme_extreme_sports", "theme_comedy", "theme_wholesome", "theme_instant_regret", "theme_tutorial_fail", "theme_animal_antics", "theme_epic_wins", "theme_custom", "score_sources", "absent_signals", "times_used", "times_shown", "avg_watch_time_seconds", "avg_retention_rate", "click_through_rate", "last_used_at", "avg_user_rating", "embedding_id", "thumbnail_path", "frames_cache_path", "custom_metadata", "notes" from "video_clips" where "video_clips"."status" = 'analyzed' AND "video_clips"."rights_cleared" = true AND "video_clips"."intensity" > 5);