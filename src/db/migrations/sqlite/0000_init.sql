CREATE TABLE `clip_frames` (
	`clip_id` text NOT NULL,
	`time_seconds` real NOT NULL,
	`reason` text NOT NULL,
	`image_path` text,
	`embedding_model` text,
	`embedding` blob,
	PRIMARY KEY(`clip_id`, `time_seconds`),
	FOREIGN KEY (`clip_id`) REFERENCES `video_clips`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `clip_links` (
	`clip_id` text NOT NULL,
	`other_clip_id` text NOT NULL,
	`kind` text NOT NULL,
	`similarity` real NOT NULL,
	PRIMARY KEY(`clip_id`, `other_clip_id`, `kind`),
	FOREIGN KEY (`clip_id`) REFERENCES `video_clips`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`other_clip_id`) REFERENCES `video_clips`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `idx_links_other` ON `clip_links` (`other_clip_id`);--> statement-breakpoint
CREATE TABLE `index_tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`batch_id` text NOT NULL,
	`file_path` text NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`stage` text,
	`reason` text,
	`clip_id` text,
	`options` text DEFAULT '{}' NOT NULL,
	`snapshot` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "index_task_status_valid" CHECK("index_tasks"."status" IN ('queued','running','done','skipped','failed'))
);
--> statement-breakpoint
CREATE INDEX `idx_index_tasks_status` ON `index_tasks` (`status`);--> statement-breakpoint
CREATE INDEX `idx_index_tasks_path` ON `index_tasks` (`file_path`);--> statement-breakpoint
CREATE TABLE `production_clips` (
	`production_id` text NOT NULL,
	`clip_id` text NOT NULL,
	`position_index` integer NOT NULL,
	`start_time_in_video` real NOT NULL,
	`end_time_in_video` real NOT NULL,
	`source_start` real,
	`source_end` real,
	`transition_before` text DEFAULT 'cut' NOT NULL,
	`audio_level` real DEFAULT 1 NOT NULL,
	`applied_effects` text DEFAULT '{}' NOT NULL,
	`reason` text,
	PRIMARY KEY(`production_id`, `clip_id`),
	FOREIGN KEY (`production_id`) REFERENCES `video_productions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`clip_id`) REFERENCES `video_clips`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "transition_valid" CHECK("production_clips"."transition_before" IN ('fade','cut','zoom')),
	CONSTRAINT "times_ordered" CHECK("production_clips"."end_time_in_video" >= "production_clips"."start_time_in_video")
);
--> statement-breakpoint
CREATE TABLE `semantic_tags` (
	`id` text PRIMARY KEY NOT NULL,
	`clip_id` text NOT NULL,
	`tag` text NOT NULL,
	`confidence` real NOT NULL,
	`source` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`clip_id`) REFERENCES `video_clips`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "confidence_range" CHECK(confidence IS NULL OR (confidence >= 0 AND confidence <= 1)),
	CONSTRAINT "tag_source_valid" CHECK("semantic_tags"."source" IN ('llm_analysis','local_analysis','manual','user_feedback'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `semantic_tags_clip_tag_key` ON `semantic_tags` (`clip_id`,`tag`);--> statement-breakpoint
CREATE INDEX `idx_tags_tag` ON `semantic_tags` (`tag`);--> statement-breakpoint
CREATE INDEX `idx_tags_clip` ON `semantic_tags` (`clip_id`);--> statement-breakpoint
CREATE TABLE `video_clips` (
	`id` text PRIMARY KEY NOT NULL,
	`external_id` text NOT NULL,
	`file_path` text NOT NULL,
	`file_hash` text NOT NULL,
	`duration_seconds` real NOT NULL,
	`resolution_width` integer,
	`resolution_height` integer,
	`fps` real,
	`file_size_bytes` integer,
	`codec` text,
	`audio_codec` text,
	`created_at` integer NOT NULL,
	`uploaded_at` integer NOT NULL,
	`last_analyzed_at` integer,
	`updated_at` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`status_reason` text,
	`rights_cleared` integer DEFAULT false NOT NULL,
	`rights_reason` text,
	`rights_override` integer,
	`license` text,
	`attribution` text,
	`source` text DEFAULT 'user_upload' NOT NULL,
	`scene_description` text,
	`visual_elements` text DEFAULT '[]' NOT NULL,
	`key_moments` text DEFAULT '[]' NOT NULL,
	`emotional_tone` text,
	`intensity` real,
	`surprise_factor` real,
	`viral_potential` real,
	`impact_score` real,
	`narrative_arc` text,
	`standalone` integer,
	`pacing` text,
	`audio_transcript` text,
	`transcript_words` text DEFAULT '[]' NOT NULL,
	`sound_events` text DEFAULT '[]' NOT NULL,
	`sound_event_spans` text DEFAULT '[]' NOT NULL,
	`has_speech` integer,
	`has_background_music` integer,
	`dominant_frequency_hz` real,
	`loudness_lufs` real,
	`detected_objects` text DEFAULT '[]' NOT NULL,
	`detected_actions` text DEFAULT '[]' NOT NULL,
	`faces` text DEFAULT '[]' NOT NULL,
	`face_count` integer,
	`on_screen_text` text,
	`shots` text DEFAULT '[]' NOT NULL,
	`motion_curve` text DEFAULT '[]' NOT NULL,
	`perceptual_hash` text DEFAULT '[]' NOT NULL,
	`duplicate_of` text,
	`theme_fails_accidents` real,
	`theme_extreme_sports` real,
	`theme_comedy` real,
	`theme_wholesome` real,
	`theme_instant_regret` real,
	`theme_tutorial_fail` real,
	`theme_animal_antics` real,
	`theme_epic_wins` real,
	`theme_custom` text DEFAULT '{}' NOT NULL,
	`score_sources` text DEFAULT '{}' NOT NULL,
	`absent_signals` text DEFAULT '[]' NOT NULL,
	`times_used` integer DEFAULT 0 NOT NULL,
	`times_shown` integer DEFAULT 0 NOT NULL,
	`avg_watch_time_seconds` real,
	`avg_retention_rate` real,
	`click_through_rate` real,
	`last_used_at` integer,
	`avg_user_rating` real,
	`embedding_id` text,
	`thumbnail_path` text,
	`frames_cache_path` text,
	`custom_metadata` text DEFAULT '{}' NOT NULL,
	`notes` text,
	CONSTRAINT "status_valid" CHECK("video_clips"."status" IN ('pending','analyzed','failed')),
	CONSTRAINT "source_valid" CHECK("video_clips"."source" IN ('user_upload','purchased','licensed')),
	CONSTRAINT "pacing_valid" CHECK("video_clips"."pacing" IS NULL OR "video_clips"."pacing" IN ('slow','medium','fast','frenetic')),
	CONSTRAINT "duration_positive" CHECK("video_clips"."duration_seconds" >= 0),
	CONSTRAINT "intensity_range" CHECK(intensity IS NULL OR (intensity >= 0 AND intensity <= 10)),
	CONSTRAINT "surprise_factor_range" CHECK(surprise_factor IS NULL OR (surprise_factor >= 0 AND surprise_factor <= 10)),
	CONSTRAINT "viral_potential_range" CHECK(viral_potential IS NULL OR (viral_potential >= 0 AND viral_potential <= 10)),
	CONSTRAINT "impact_score_range" CHECK(impact_score IS NULL OR (impact_score >= 0 AND impact_score <= 10)),
	CONSTRAINT "theme_fails_accidents_range" CHECK(theme_fails_accidents IS NULL OR (theme_fails_accidents >= 0 AND theme_fails_accidents <= 10)),
	CONSTRAINT "theme_extreme_sports_range" CHECK(theme_extreme_sports IS NULL OR (theme_extreme_sports >= 0 AND theme_extreme_sports <= 10)),
	CONSTRAINT "theme_comedy_range" CHECK(theme_comedy IS NULL OR (theme_comedy >= 0 AND theme_comedy <= 10)),
	CONSTRAINT "theme_wholesome_range" CHECK(theme_wholesome IS NULL OR (theme_wholesome >= 0 AND theme_wholesome <= 10)),
	CONSTRAINT "theme_instant_regret_range" CHECK(theme_instant_regret IS NULL OR (theme_instant_regret >= 0 AND theme_instant_regret <= 10)),
	CONSTRAINT "theme_tutorial_fail_range" CHECK(theme_tutorial_fail IS NULL OR (theme_tutorial_fail >= 0 AND theme_tutorial_fail <= 10)),
	CONSTRAINT "theme_animal_antics_range" CHECK(theme_animal_antics IS NULL OR (theme_animal_antics >= 0 AND theme_animal_antics <= 10)),
	CONSTRAINT "theme_epic_wins_range" CHECK(theme_epic_wins IS NULL OR (theme_epic_wins >= 0 AND theme_epic_wins <= 10)),
	CONSTRAINT "avg_retention_rate_range" CHECK(avg_retention_rate IS NULL OR (avg_retention_rate >= 0 AND avg_retention_rate <= 1)),
	CONSTRAINT "click_through_rate_range" CHECK(click_through_rate IS NULL OR (click_through_rate >= 0 AND click_through_rate <= 1)),
	CONSTRAINT "avg_user_rating_range" CHECK(avg_user_rating IS NULL OR (avg_user_rating >= 0 AND avg_user_rating <= 5))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `video_clips_external_id_key` ON `video_clips` (`external_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `video_clips_file_hash_key` ON `video_clips` (`file_hash`);--> statement-breakpoint
CREATE INDEX `idx_clips_status` ON `video_clips` (`status`);--> statement-breakpoint
CREATE INDEX `idx_clips_emotional_tone` ON `video_clips` (`emotional_tone`);--> statement-breakpoint
CREATE INDEX `idx_clips_intensity` ON `video_clips` (`intensity`);--> statement-breakpoint
CREATE INDEX `idx_clips_viral_potential` ON `video_clips` (`viral_potential`);--> statement-breakpoint
CREATE INDEX `idx_clips_rights_cleared` ON `video_clips` (`rights_cleared`);--> statement-breakpoint
CREATE INDEX `idx_clips_created_at` ON `video_clips` ("created_at" DESC);--> statement-breakpoint
CREATE INDEX `idx_clips_last_used_at` ON `video_clips` ("last_used_at" DESC);--> statement-breakpoint
CREATE INDEX `idx_clips_times_used` ON `video_clips` (`times_used`);--> statement-breakpoint
CREATE INDEX `idx_clips_avg_retention` ON `video_clips` ("avg_retention_rate" DESC);--> statement-breakpoint
CREATE INDEX `idx_clips_file_path` ON `video_clips` (`file_path`);--> statement-breakpoint
CREATE TABLE `video_productions` (
	`id` text PRIMARY KEY NOT NULL,
	`production_id` text NOT NULL,
	`theme` text NOT NULL,
	`target_duration` integer NOT NULL,
	`style` text DEFAULT 'energetic' NOT NULL,
	`aspect` text DEFAULT '16:9' NOT NULL,
	`resolution` text DEFAULT '1080p' NOT NULL,
	`status` text DEFAULT 'curating' NOT NULL,
	`stage` text,
	`progress` real DEFAULT 0 NOT NULL,
	`error` text,
	`started_at` integer,
	`completed_at` integer,
	`final_video_path` text,
	`final_duration` real,
	`clips_count` integer,
	`title` text,
	`description` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`thumbnail_timestamp` real,
	`views` integer,
	`likes` integer,
	`comments` integer,
	`avg_watch_time` real,
	`retention_rate` real,
	`estimated_views` integer,
	`machine_snapshot` text,
	`artifacts` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "style_valid" CHECK("video_productions"."style" IN ('energetic','chill','emotional')),
	CONSTRAINT "target_duration_positive" CHECK("video_productions"."target_duration" > 0),
	CONSTRAINT "progress_range" CHECK(progress IS NULL OR (progress >= 0 AND progress <= 100)),
	CONSTRAINT "retention_rate_range" CHECK(retention_rate IS NULL OR (retention_rate >= 0 AND retention_rate <= 1))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `video_productions_production_id_key` ON `video_productions` (`production_id`);--> statement-breakpoint
CREATE INDEX `idx_productions_status` ON `video_productions` (`status`);--> statement-breakpoint
CREATE INDEX `idx_productions_created_at` ON `video_productions` ("created_at" DESC);--> statement-breakpoint
CREATE VIEW `production_performance` AS select "video_productions"."production_id", "video_productions"."theme", "video_productions"."style", "video_productions"."views", "video_productions"."likes", "video_productions"."retention_rate", count("production_clips"."clip_id") as "clip_count", avg("video_clips"."viral_potential") as "avg_clip_viral_potential", avg("video_clips"."intensity") as "avg_clip_intensity", "video_productions"."completed_at" from "video_productions" left join "production_clips" on "production_clips"."production_id" = "video_productions"."id" left join "video_clips" on "video_clips"."id" = "production_clips"."clip_id" where "video_productions"."status" = 'completed' group by "video_productions"."id";--> statement-breakpoint
CREATE VIEW `underutilized_clips` AS select "id", "external_id", "file_path", "file_hash", "duration_seconds", "resolution_width", "resolution_height", "fps", "file_size_bytes", "codec", "audio_codec", "created_at", "uploaded_at", "last_analyzed_at", "updated_at", "status", "status_reason", "rights_cleared", "rights_reason", "rights_override", "license", "attribution", "source", "scene_description", "visual_elements", "key_moments", "emotional_tone", "intensity", "surprise_factor", "viral_potential", "impact_score", "narrative_arc", "standalone", "pacing", "audio_transcript", "transcript_words", "sound_events", "sound_event_spans", "has_speech", "has_background_music", "dominant_frequency_hz", "loudness_lufs", "detected_objects", "detected_actions", "faces", "face_count", "on_screen_text", "shots", "motion_curve", "perceptual_hash", "duplicate_of", "theme_fails_accidents", "theme_extreme_sports", "theme_comedy", "theme_wholesome", "theme_instant_regret", "theme_tutorial_fail", "theme_animal_antics", "theme_epic_wins", "theme_custom", "score_sources", "absent_signals", "times_used", "times_shown", "avg_watch_time_seconds", "avg_retention_rate", "click_through_rate", "last_used_at", "avg_user_rating", "embedding_id", "thumbnail_path", "frames_cache_path", "custom_metadata", "notes" from "video_clips" where "video_clips"."status" = 'analyzed' AND "video_clips"."rights_cleared" = 1 AND "video_clips"."viral_potential" >= 7 AND "video_clips"."times_used" < 3 order by "video_clips"."viral_potential" DESC, "video_clips"."times_used" ASC;--> statement-breakpoint
CREATE VIEW `usable_clips` AS select "id", "external_id", "file_path", "file_hash", "duration_seconds", "resolution_width", "resolution_height", "fps", "file_size_bytes", "codec", "audio_codec", "created_at", "uploaded_at", "last_analyzed_at", "updated_at", "status", "status_reason", "rights_cleared", "rights_reason", "rights_override", "license", "attribution", "source", "scene_description", "visual_elements", "key_moments", "emotional_tone", "intensity", "surprise_factor", "viral_potential", "impact_score", "narrative_arc", "standalone", "pacing", "audio_transcript", "transcript_words", "sound_events", "sound_event_spans", "has_speech", "has_background_music", "dominant_frequency_hz", "loudness_lufs", "detected_objects", "detected_actions", "faces", "face_count", "on_screen_text", "shots", "motion_curve", "perceptual_hash", "duplicate_of", "theme_fails_accidents", "theme_extreme_sports", "theme_comedy", "theme_wholesome", "theme_instant_regret", "theme_tutorial_fail", "theme_animal_antics", "theme_epic_wins", "theme_custom", "score_sources", "absent_signals", "times_used", "times_shown", "avg_watch_time_seconds", "avg_retention_rate", "click_through_rate", "last_used_at", "avg_user_rating", "embedding_id", "thumbnail_path", "frames_cache_path", "custom_metadata", "notes" from "video_clips" where "video_clips"."status" = 'analyzed' AND "video_clips"."rights_cleared" = 1 AND "video_clips"."intensity" > 5;