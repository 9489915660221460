CREATE TABLE "clip_frames" (
	"clip_id" uuid NOT NULL,
	"time_seconds" double precision NOT NULL,
	"reason" text NOT NULL,
	"image_path" text,
	"embedding_model" text,
	"embedding" "bytea",
	CONSTRAINT "clip_frames_clip_id_time_seconds_pk" PRIMARY KEY("clip_id","time_seconds")
);
--> statement-breakpoint
CREATE TABLE "clip_links" (
	"clip_id" uuid NOT NULL,
	"other_clip_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"similarity" double precision NOT NULL,
	CONSTRAINT "clip_links_clip_id_other_clip_id_kind_pk" PRIMARY KEY("clip_id","other_clip_id","kind")
);
--> statement-breakpoint
CREATE TABLE "index_tasks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"batch_id" text NOT NULL,
	"file_path" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"stage" text,
	"reason" text,
	"clip_id" uuid,
	"options" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"snapshot" jsonb,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "index_task_status_valid" CHECK ("index_tasks"."status" IN ('queued','running','done','skipped','failed'))
);
--> statement-breakpoint
CREATE TABLE "production_clips" (
	"production_id" uuid NOT NULL,
	"clip_id" uuid NOT NULL,
	"position_index" integer NOT NULL,
	"start_time_in_video" double precision NOT NULL,
	"end_time_in_video" double precision NOT NULL,
	"source_start" double precision,
	"source_end" double precision,
	"transition_before" text DEFAULT 'cut' NOT NULL,
	"audio_level" double precision DEFAULT 1 NOT NULL,
	"applied_effects" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"reason" text,
	CONSTRAINT "production_clips_production_id_clip_id_pk" PRIMARY KEY("production_id","clip_id"),
	CONSTRAINT "transition_valid" CHECK ("production_clips"."transition_before" IN ('fade','cut','zoom')),
	CONSTRAINT "times_ordered" CHECK ("production_clips"."end_time_in_video" >= "production_clips"."start_time_in_video")
);
--> statement-breakpoint
CREATE TABLE "semantic_tags" (
	"id" uuid PRIMARY KEY NOT NULL,
	"clip_id" uuid NOT NULL,
	"tag" text NOT NULL,
	"confidence" double precision NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "confidence_range" CHECK (confidence IS NULL OR (confidence >= 0 AND confidence <= 1)),
	CONSTRAINT "tag_source_valid" CHECK ("semantic_tags"."source" IN ('llm_analysis','local_analysis','manual','user_feedback'))
);
--> statement-breakpoint
CREATE TABLE "video_clips" (
	"id" uuid PRIMARY KEY NOT NULL,
	"external_id" text NOT NULL,
	"file_path" text NOT NULL,
	"file_hash" text NOT NULL,
	"duration_seconds" double precision NOT NULL,
	"resolution_width" integer,
	"resolution_height" integer,
	"fps" double precision,
	"file_size_bytes" bigint,
	"codec" text,
	"audio_codec" text,
	"created_at" timestamp with time zone NOT NULL,
	"uploaded_at" timestamp with time zone NOT NULL,
	"last_analyzed_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"status_reason" text,
	"rights_cleared" boolean DEFAULT false NOT NULL,
	"rights_reason" text,
	"rights_override" boolean,
	"license" text,
	"attribution" text,
	"source" text DEFAULT 'user_upload' NOT NULL,
	"scene_description" text,
	"visual_elements" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"key_moments" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"emotional_tone" text,
	"intensity" double precision,
	"surprise_factor" double precision,
	"viral_potential" double precision,
	"impact_score" double precision,
	"narrative_arc" text,
	"standalone" boolean,
	"pacing" text,
	"audio_transcript" text,
	"transcript_words" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"sound_events" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"sound_event_spans" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"has_speech" boolean,
	"has_background_music" boolean,
	"dominant_frequency_hz" double precision,
	"loudness_lufs" double precision,
	"detected_objects" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"detected_actions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"faces" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"face_count" integer,
	"on_screen_text" text,
	"shots" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"motion_curve" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"perceptual_hash" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"duplicate_of" uuid,
	"theme_fails_accidents" double precision,
	"theme_extreme_sports" double precision,
	"theme_comedy" double precision,
	"theme_wholesome" double precision,
	"theme_instant_regret" double precision,
	"theme_tutorial_fail" double precision,
	"theme_animal_antics" double precision,
	"theme_epic_wins" double precision,
	"theme_custom" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"score_sources" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"absent_signals" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"times_used" integer DEFAULT 0 NOT NULL,
	"times_shown" integer DEFAULT 0 NOT NULL,
	"avg_watch_time_seconds" double precision,
	"avg_retention_rate" double precision,
	"click_through_rate" double precision,
	"last_used_at" timestamp with time zone,
	"avg_user_rating" double precision,
	"embedding_id" text,
	"thumbnail_path" text,
	"frames_cache_path" text,
	"custom_metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"notes" text,
	CONSTRAINT "status_valid" CHECK ("video_clips"."status" IN ('pending','analyzed','failed')),
	CONSTRAINT "source_valid" CHECK ("video_clips"."source" IN ('user_upload','purchased','licensed')),
	CONSTRAINT "pacing_valid" CHECK ("video_clips"."pacing" IS NULL OR "video_clips"."pacing" IN ('slow','medium','fast','frenetic')),
	CONSTRAINT "duration_positive" CHECK ("video_clips"."duration_seconds" >= 0),
	CONSTRAINT "intensity_range" CHECK (intensity IS NULL OR (intensity >= 0 AND intensity <= 10)),
	CONSTRAINT "surprise_factor_range" CHECK (surprise_factor IS NULL OR (surprise_factor >= 0 AND surprise_factor <= 10)),
	CONSTRAINT "viral_potential_range" CHECK (viral_potential IS NULL OR (viral_potential >= 0 AND viral_potential <= 10)),
	CONSTRAINT "impact_score_range" CHECK (impact_score IS NULL OR (impact_score >= 0 AND impact_score <= 10)),
	CONSTRAINT "theme_fails_accidents_range" CHECK (theme_fails_accidents IS NULL OR (theme_fails_accidents >= 0 AND theme_fails_accidents <= 10)),
	CONSTRAINT "theme_extreme_sports_range" CHECK (theme_extreme_sports IS NULL OR (theme_extreme_sports >= 0 AND theme_extreme_sports <= 10)),
	CONSTRAINT "theme_comedy_range" CHECK (theme_comedy IS NULL OR (theme_comedy >= 0 AND theme_comedy <= 10)),
	CONSTRAINT "theme_wholesome_range" CHECK (theme_wholesome IS NULL OR (theme_wholesome >= 0 AND theme_wholesome <= 10)),
	CONSTRAINT "theme_instant_regret_range" CHECK (theme_instant_regret IS NULL OR (theme_instant_regret >= 0 AND theme_instant_regret <= 10)),
	CONSTRAINT "theme_tutorial_fail_range" CHECK (theme_tutorial_fail IS NULL OR (theme_tutorial_fail >= 0 AND theme_tutorial_fail <= 10)),
	CONSTRAINT "theme_animal_antics_range" CHECK (theme_animal_antics IS NULL OR (theme_animal_antics >= 0 AND theme_animal_antics <= 10)),
	CONSTRAINT "theme_epic_wins_range" CHECK (theme_epic_wins IS NULL OR (theme_epic_wins >= 0 AND theme_epic_wins <= 10)),
	CONSTRAINT "avg_retention_rate_range" CHECK (avg_retention_rate IS NULL OR (avg_retention_rate >= 0 AND avg_retention_rate <= 1)),
	CONSTRAINT "click_through_rate_range" CHECK (click_through_rate IS NULL OR (click_through_rate >= 0 AND click_through_rate <= 1)),
	CONSTRAINT "avg_user_rating_range" CHECK (avg_user_rating IS NULL OR (avg_user_rating >= 0 AND avg_user_rating <= 5))
);
--> statement-breakpoint
CREATE TABLE "video_productions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"production_id" text NOT NULL,
	"theme" text NOT NULL,
	"target_duration" integer NOT NULL,
	"style" text DEFAULT 'energetic' NOT NULL,
	"aspect" text DEFAULT '16:9' NOT NULL,
	"resolution" text DEFAULT '1080p' NOT NULL,
	"status" text DEFAULT 'curating' NOT NULL,
	"stage" text,
	"progress" double precision DEFAULT 0 NOT NULL,
	"error" text,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"final_video_path" text,
	"final_duration" double precision,
	"clips_count" integer,
	"title" text,
	"description" text,
	"tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"thumbnail_timestamp" double precision,
	"views" integer,
	"likes" integer,
	"comments" integer,
	"avg_watch_time" double precision,
	"retention_rate" double precision,
	"estimated_views" integer,
	"machine_snapshot" jsonb,
	"artifacts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "style_valid" CHECK ("video_productions"."style" IN ('energetic','chill','emotional')),
	CONSTRAINT "target_duration_positive" CHECK ("video_productions"."target_duration" > 0),
	CONSTRAINT "progress_range" CHECK (progress IS NULL OR (progress >= 0 AND progress <= 100)),
	CONSTRAINT "retention_rate_range" CHECK (retention_rate IS NULL OR (retention_rate >= 0 AND retention_rate <= 1))
);
--> statement-breakpoint
ALTER TABLE "clip_frames" ADD CONSTRAINT "clip_frames_clip_id_video_clips_id_fk" FOREIGN KEY ("clip_id") REFERENCES "public"."video_clips"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clip_links" ADD CONSTRAINT "clip_links_clip_id_video_clips_id_fk" FOREIGN KEY ("clip_id") REFERENCES "public"."video_clips"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clip_links" ADD CONSTRAINT "clip_links_other_clip_id_video_clips_id_fk" FOREIGN KEY ("other_clip_id") REFERENCES "public"."video_clips"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_clips" ADD CONSTRAINT "production_clips_production_id_video_productions_id_fk" FOREIGN KEY ("production_id") REFERENCES "public"."video_productions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_clips" ADD CONSTRAINT "production_clips_clip_id_video_clips_id_fk" FOREIGN KEY ("clip_id") REFERENCES "public"."video_clips"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "semantic_tags" ADD CONSTRAINT "semantic_tags_clip_id_video_clips_id_fk" FOREIGN KEY ("clip_id") REFERENCES "public"."video_clips"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_links_other" ON "clip_links" USING btree ("other_clip_id");--> statement-breakpoint
CREATE INDEX "idx_index_tasks_status" ON "index_tasks" USING btree ("status");--> statement-breakpoint
CREATE INDEX "idx_index_tasks_path" ON "index_tasks" USING btree ("file_path");--> statement-breakpoint
CREATE UNIQUE INDEX "semantic_tags_clip_tag_key" ON "semantic_tags" USING btree ("clip_id","tag");--> statement-breakpoint
CREATE INDEX "idx_tags_tag" ON "semantic_tags" USING btree ("tag");--> statement-breakpoint
CREATE INDEX "idx_tags_clip" ON "semantic_tags" USING btree ("clip_id");--> statement-breakpoint
CREATE UNIQUE INDEX "video_clips_external_id_key" ON "video_clips" USING btree ("external_id");--> statement-breakpoint
CREATE UNIQUE INDEX "video_clips_file_hash_key" ON "video_clips" USING btree ("file_hash");--> statement-breakpoint
CREATE INDEX "idx_clips_status" ON "video_clips" USING btree ("status");--> statement-breakpoint
CREATE INDEX "idx_clips_emotional_tone" ON "video_clips" USING btree ("emotional_tone");--> statement-breakpoint
CREATE INDEX "idx_clips_intensity" ON "video_clips" USING btree ("intensity");--> statement-breakpoint
CREATE INDEX "idx_clips_viral_potential" ON "video_clips" USING btree ("viral_potential");--> statement-breakpoint
CREATE INDEX "idx_clips_rights_cleared" ON "video_clips" USING btree ("rights_cleared");--> statement-breakpoint
CREATE INDEX "idx_clips_created_at" ON "video_clips" USING btree ("created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_clips_last_used_at" ON "video_clips" USING btree ("last_used_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_clips_times_used" ON "video_clips" USING btree ("times_used");--> statement-breakpoint
CREATE INDEX "idx_clips_avg_retention" ON "video_clips" USING btree ("avg_retention_rate" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "idx_clips_visual_elements" ON "video_clips" USING gin ("visual_elements");--> statement-breakpoint
CREATE INDEX "idx_clips_key_moments" ON "video_clips" USING gin ("key_moments");--> statement-breakpoint
CREATE INDEX "idx_clips_detected_objects" ON "video_clips" USING gin ("detected_objects");--> statement-breakpoint
CREATE INDEX "idx_clips_file_path" ON "video_clips" USING btree ("file_path");--> statement-breakpoint
CREATE UNIQUE INDEX "video_productions_production_id_key" ON "video_productions" USING btree ("production_id");--> statement-breakpoint
CREATE INDEX "idx_productions_status" ON "video_productions" USING btree ("status");--> statement-breakpoint
CREATE INDEX "idx_productions_created_at" ON "video_productions" USING btree ("created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE VIEW "public"."production_performance" AS (select "video_productions"."production_id", "video_productions"."theme", "video_productions"."style", "video_productions"."views", "video_productions"."likes", "video_productions"."retention_rate", count("production_clips"."clip_id") as "clip_count", avg("video_clips"."viral_potential") as "avg_clip_viral_potential", avg("video_clips"."intensity") as "avg_clip_intensity", "video_productions"."completed_at" from "video_productions" left join "production_clips" on "production_clips"."production_id" = "video_productions"."id" left join "video_clips" on "video_clips"."id" = "production_clips"."clip_id" where "video_productions"."status" = 'completed' group by "video_productions"."id");--> statement-breakpoint
CREATE VIEW "public"."underutilized_clips" AS (select "id", "external_id", "file_path", "file_hash", "duration_seconds", "resolution_width", "resolution_height", "fps", "file_size_bytes", "codec", "audio_codec", "created_at", "uploaded_at", "last_analyzed_at", "updated_at", "status", "status_reason", "rights_cleared", "rights_reason", "rights_override", "license", "attribution", "source", "scene_description", "visual_elements", "key_moments", "emotional_tone", "intensity", "surprise_factor", "viral_potential", "impact_score", "narrative_arc", "standalone", "pacing", "audio_transcript", "transcript_words", "sound_events", "sound_event_spans", "has_speech", "has_background_music", "dominant_frequency_hz", "loudness_lufs", "detected_objects", "detected_actions", "faces", "face_count", "on_screen_text", "shots", "motion_curve", "perceptual_hash", "duplicate_of", "theme_fails_accidents", "theme_extreme_sports", "theme_comedy", "theme_wholesome", "theme_instant_regret", "theme_tutorial_fail", "theme_animal_antics", "theme_epic_wins", "theme_custom", "score_sources", "absent_signals", "times_used", "times_shown", "avg_watch_time_seconds", "avg_retention_rate", "click_through_rate", "last_used_at", "avg_user_rating", "embedding_id", "thumbnail_path", "frames_cache_path", "custom_metadata", "notes" from "video_clips" where "video_clips"."status" = 'analyzed' AND "video_clips"."rights_cleared" = true AND "video_clips"."viral_potential" >= 7 AND "video_clips"."times_used" < 3 order by "video_clips"."viral_potential" DESC, "video_clips"."times_used" ASC);--> statement-breakpoint
CREATE VIEW "public"."usable_clips" AS (select "id", "external_id", "file_path", "file_hash", "duration_seconds", "resolution_width", "resolution_height", "fps", "file_size_bytes", "codec", "audio_codec", "created_at", "uploaded_at", "last_analyzed_at", "updated_at", "status", "status_reason", "rights_cleared", "rights_reason", "rights_override", "license", "attribution", "source", "scene_description", "visual_elements", "key_moments", "emotional_tone", "intensity", "surprise_factor", "viral_potential", "impact_score", "narrative_arc", "standalone", "pacing", "audio_transcript", "transcript_words", "sound_events", "sound_event_spans", "has_speech", "has_background_music", "dominant_frequency_hz", "loudness_lufs", "detected_objects", "detected_actions", "faces", "face_count", "on_screen_text", "shots", "motion_curve", "perceptual_hash", "duplicate_of", "theme_fails_accidents", "theme_extreme_sports", "theme_comedy", "theme_wholesome", "theme_instant_regret", "theme_tutorial_fail", "theme_animal_antics", "theme_epic_wins", "theme_custom", "score_sources", "absent_signals", "times_used", "times_shown", "avg_watch_time_seconds", "avg_retention_rate", "click_through_rate", "last_used_at", "avg_user_rating", "embedding_id", "thumbnail_path", "frames_cache_path", "custom_metadata", "notes" from "video_clips" where "video_clips"."status" = 'analyzed' AND "video_clips"."rights_cleared" = true AND "video_clips"."intensity" > 5);