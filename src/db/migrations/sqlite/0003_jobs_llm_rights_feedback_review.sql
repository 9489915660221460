CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`queue` text NOT NULL,
	`name` text NOT NULL,
	`payload` text DEFAULT '{}' NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer DEFAULT 3 NOT NULL,
	`run_at` integer NOT NULL,
	`locked_by` text,
	`locked_until` integer,
	`dedupe_key` text,
	`result` text,
	`error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "job_status_valid" CHECK("jobs"."status" IN ('queued','active','completed','failed')),
	CONSTRAINT "job_queue_valid" CHECK("jobs"."queue" IN ('index','llm','render','maintenance'))
);
--> statement-breakpoint
CREATE INDEX `idx_jobs_ready` ON `jobs` (`queue`,`status`,`run_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_dedupe_key` ON `jobs` (`dedupe_key`);--> statement-breakpoint
CREATE TABLE `llm_cache` (
	`key` text PRIMARY KEY NOT NULL,
	`provider` text NOT NULL,
	`model` text NOT NULL,
	`task` text NOT NULL,
	`response` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `llm_usage` (
	`id` text PRIMARY KEY NOT NULL,
	`provider` text NOT NULL,
	`model` text NOT NULL,
	`task` text NOT NULL,
	`day` text NOT NULL,
	`input_tokens` integer DEFAULT 0 NOT NULL,
	`output_tokens` integer DEFAULT 0 NOT NULL,
	`cost_usd` real DEFAULT 0 NOT NULL,
	`latency_ms` real DEFAULT 0 NOT NULL,
	`status` text NOT NULL,
	`cached` integer DEFAULT false NOT NULL,
	`error` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `idx_llm_usage_day` ON `llm_usage` (`day`);--> statement-breakpoint
CREATE TABLE `production_edits` (
	`id` text PRIMARY KEY NOT NULL,
	`production_id` text NOT NULL,
	`author` text NOT NULL,
	`kind` text NOT NULL,
	`detail` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`production_id`) REFERENCES `video_productions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `idx_production_edits_production` ON `production_edits` (`production_id`);--> statement-breakpoint
CREATE TABLE `production_metric_reports` (
	`production_id` text NOT NULL,
	`report_id` text NOT NULL,
	`views` integer,
	`likes` integer,
	`comments` integer,
	`avg_watch_time` real,
	`retention_rate` real,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`production_id`, `report_id`),
	FOREIGN KEY (`production_id`) REFERENCES `video_productions`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "retention_rate_range" CHECK(retention_rate IS NULL OR (retention_rate >= 0 AND retention_rate <= 1))
);
--> statement-breakpoint
CREATE TABLE `reference_tracks` (
	`id` text PRIMARY KEY NOT NULL,
	`file_path` text NOT NULL,
	`file_hash` text NOT NULL,
	`title` text NOT NULL,
	`duration_seconds` real NOT NULL,
	`fingerprint` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reference_tracks_file_hash_key` ON `reference_tracks` (`file_hash`);--> statement-breakpoint
CREATE TABLE `thumbnail_variants` (
	`id` text PRIMARY KEY NOT NULL,
	`production_id` text NOT NULL,
	`variant` integer NOT NULL,
	`strategy` text NOT NULL,
	`size` text NOT NULL,
	`image_path` text NOT NULL,
	`clip_id` text,
	`time_seconds` real,
	`impressions` integer DEFAULT 0 NOT NULL,
	`clicks` integer DEFAULT 0 NOT NULL,
	`chosen` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`production_id`) REFERENCES `video_productions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `thumbnail_variants_key` ON `thumbnail_variants` (`production_id`,`variant`,`size`);--> statement-breakpoint
ALTER TABLE `production_clips` ADD `usage_counted_at` integer;--> statement-breakpoint
ALTER TABLE `video_clips` ADD `rights_issues` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `video_clips` ADD `rights_confidence` real;--> statement-breakpoint
DROP VIEW `underutilized_clips`;--> statement-breakpoint
DROP VIEW `usable_clips`;--> statement-breakpoint
CREATE VIEW `underutilized_clips` AS select "id", "external_id", "file_path", "file_hash", "duration_seconds", "resolution_width", "resolution_height", "fps", "file_size_bytes", "codec", "audio_codec", "created_at", "uploaded_at", "last_analyzed_at", "updated_at", "status", "status_reason", "rights_cleared", "rights_reason", "rights_override", "rights_issues", "rights_confidence", "license", "attribution", "source", "scene_description", "visual_elements", "key_moments", "emotional_tone", "intensity", "surprise_factor", "viral_potential", "impact_score", "narrative_arc", "standalone", "pacing", "audio_transcript", "transcript_words", "sound_events", "sound_event_spans", "has_speech", "has_background_music", "dominant_frequency_hz", "loudness_lufs", "detected_objects", "detected_actions", "faces", "face_count", "on_screen_text", "shots", "motion_curve", "perceptual_hash", "duplicate_of", "theme_fails_accidents", "theme_extreme_sports", "theme_comedy", "theme_wholesome", "theme_instant_regret", "theme_tutorial_fail", "theme_animal_antics", "theme_epic_wins", "theme_custom", "score_sources", "absent_signals", "times_used", "times_shown", "avg_watch_time_seconds", "avg_retention_rate", "click_through_rate", "last_used_at", "avg_user_rating", "embedding_id", "thumbnail_path", "frames_cache_path", "custom_metadata", "notes" from "video_clips" where "video_clips"."status" = 'analyzed' AND "video_clips"."rights_cleared" = 1 AND "video_clips"."viral_potential" >= 7 AND "video_clips"."times_used" < 3 order by "video_clips"."viral_potential" DESC, "video_clips"."times_used" ASC;--> statement-breakpoint
CREATE VIEW `usable_clips` AS select "id", "external_id", "file_path", "file_hash", "duration_seconds", "resolution_width", "resolution_height", "fps", "file_size_bytes", "codec", "audio_codec", "created_at", "uploaded_at", "last_analyzed_at", "updated_at", "status", "status_reason", "rights_cleared", "rights_reason", "rights_override", "rights_issues", "rights_confidence", "license", "attribution", "source", "scene_description", "visual_elements", "key_moments", "emotional_tone", "intensity", "surprise_factor", "viral_potential", "impact_score", "narrative_arc", "standalone", "pacing", "audio_transcript", "transcript_words", "sound_events", "sound_event_spans", "has_speech", "has_background_music", "dominant_frequency_hz", "loudness_lufs", "detected_objects", "detected_actions", "faces", "face_count", "on_screen_text", "shots", "motion_curve", "perceptual_hash", "duplicate_of", "theme_fails_accidents", "theme_extreme_sports", "theme_comedy", "theme_wholesome", "theme_instant_regret", "theme_tutorial_fail", "theme_animal_antics", "theme_epic_wins", "theme_custom", "score_sources", "absent_signals", "times_used", "times_shown", "avg_watch_time_seconds", "avg_retention_rate", "click_through_rate", "last_used_at", "avg_user_rating", "embedding_id", "thumbnail_path", "frames_cache_path", "custom_metadata", "notes" from "video_clips" where "video_clips"."status" = 'analyzed' AND "video_clips"."rights_cleared" = 1 AND "video_clips"."intensity" > 5;