/**
 * The seed's schema on SQLite (bun:sqlite). JSON columns are text with mode json, booleans are
 * integers, timestamps are integer milliseconds. Field names and meanings follow SEED.md; the
 * PostgreSQL twin is ./pg.ts and the repositories are written once against both.
 */
import { sql } from "drizzle-orm";
import {
  blob,
  check,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  sqliteView,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import type { ActionSpan, Detection, ShotJson, KeyMomentJson, FaceJson, WordJson, SoundEventJson, RightsIssueJson } from "../json-types.ts";

const uuid = () => crypto.randomUUID();
const now = () => new Date();
const ts = (name: string) => integer(name, { mode: "timestamp_ms" });
const bool = (name: string) => integer(name, { mode: "boolean" });
const json = <T>(name: string) => text(name, { mode: "json" }).$type<T>();
const score = (name: string) => real(name);
const between = (col: string, lo: number, hi: number) =>
  check(`${col}_range`, sql`${sql.raw(col)} IS NULL OR (${sql.raw(col)} >= ${sql.raw(String(lo))} AND ${sql.raw(col)} <= ${sql.raw(String(hi))})`);

export const videoClips = sqliteTable(
  "video_clips",
  {
    id: text("id").primaryKey().$defaultFn(uuid),
    externalId: text("external_id").notNull(),
    filePath: text("file_path").notNull(),
    fileHash: text("file_hash").notNull(),
    durationSeconds: real("duration_seconds").notNull(),
    resolutionWidth: integer("resolution_width"),
    resolutionHeight: integer("resolution_height"),
    fps: real("fps"),
    fileSizeBytes: integer("file_size_bytes"),
    codec: text("codec"),
    audioCodec: text("audio_codec"),
    createdAt: ts("created_at").notNull().$defaultFn(now),
    uploadedAt: ts("uploaded_at").notNull().$defaultFn(now),
    lastAnalyzedAt: ts("last_analyzed_at"),
    updatedAt: ts("updated_at").notNull().$defaultFn(now).$onUpdateFn(now),
    status: text("status", { enum: ["pending", "analyzed", "failed"] }).notNull().default("pending"),
    statusReason: text("status_reason"),
    rightsCleared: bool("rights_cleared").notNull().default(false),
    rightsReason: text("rights_reason"),
    rightsOverride: bool("rights_override"),
    rightsIssues: json<RightsIssueJson[]>("rights_issues").notNull().default([]),
    rightsConfidence: real("rights_confidence"),
    license: text("license"),
    attribution: text("attribution"),
    source: text("source", { enum: ["user_upload", "purchased", "licensed"] }).notNull().default("user_upload"),
    sceneDescription: text("scene_description"),
    visualElements: json<string[]>("visual_elements").notNull().default([]),
    keyMoments: json<KeyMomentJson[]>("key_moments").notNull().default([]),
    emotionalTone: text("emotional_tone"),
    intensity: score("intensity"),
    surpriseFactor: score("surprise_factor"),
    viralPotential: score("viral_potential"),
    impactScore: score("impact_score"),
    narrativeArc: text("narrative_arc"),
    standalone: bool("standalone"),
    pacing: text("pacing", { enum: ["slow", "medium", "fast", "frenetic"] }),
    audioTranscript: text("audio_transcript"),
    transcriptWords: json<WordJson[]>("transcript_words").notNull().default([]),
    soundEvents: json<string[]>("sound_events").notNull().default([]),
    soundEventSpans: json<SoundEventJson[]>("sound_event_spans").notNull().default([]),
    hasSpeech: bool("has_speech"),
    hasBackgroundMusic: bool("has_background_music"),
    dominantFrequencyHz: real("dominant_frequency_hz"),
    loudnessLufs: real("loudness_lufs"),
    detectedObjects: json<Detection[]>("detected_objects").notNull().default([]),
    detectedActions: json<ActionSpan[]>("detected_actions").notNull().default([]),
    faces: json<FaceJson[]>("faces").notNull().default([]),
    faceCount: integer("face_count"),
    onScreenText: text("on_screen_text"),
    shots: json<ShotJson[]>("shots").notNull().default([]),
    motionCurve: json<number[]>("motion_curve").notNull().default([]),
    perceptualHash: json<string[]>("perceptual_hash").notNull().default([]),
    duplicateOf: text("duplicate_of"),
    themeFailsAccidents: score("theme_fails_accidents"),
    themeExtremeSports: score("theme_extreme_sports"),
    themeComedy: score("theme_comedy"),
    themeWholesome: score("theme_wholesome"),
    themeInstantRegret: score("theme_instant_regret"),
    themeTutorialFail: score("theme_tutorial_fail"),
    themeAnimalAntics: score("theme_animal_antics"),
    themeEpicWins: score("theme_epic_wins"),
    themeCustom: json<Record<string, number>>("theme_custom").notNull().default({}),
    scoreSources: json<Record<string, string>>("score_sources").notNull().default({}),
    absentSignals: json<{ signal: string; reason: string }[]>("absent_signals").notNull().default([]),
    timesUsed: integer("times_used").notNull().default(0),
    timesShown: integer("times_shown").notNull().default(0),
    avgWatchTimeSeconds: real("avg_watch_time_seconds"),
    avgRetentionRate: real("avg_retention_rate"),
    clickThroughRate: real("click_through_rate"),
    lastUsedAt: ts("last_used_at"),
    avgUserRating: real("avg_user_rating"),
    embeddingId: text("embedding_id"),
    thumbnailPath: text("thumbnail_path"),
    framesCachePath: text("frames_cache_path"),
    customMetadata: json<Record<string, unknown>>("custom_metadata").notNull().default({}),
    notes: text("notes"),
  },
  (t) => [
    uniqueIndex("video_clips_external_id_key").on(t.externalId),
    // One row per distinct file content: exact duplicates are refused at index time.
    uniqueIndex("video_clips_file_hash_key").on(t.fileHash),
    index("idx_clips_status").on(t.status),
    index("idx_clips_emotional_tone").on(t.emotionalTone),
    index("idx_clips_intensity").on(t.intensity),
    index("idx_clips_viral_potential").on(t.viralPotential),
    index("idx_clips_rights_cleared").on(t.rightsCleared),
    index("idx_clips_created_at").on(sql`${t.createdAt} DESC`),
    // SQLite sorts NULLs first ascending, so DESC puts them last as the seed's NULLS LAST wants.
    index("idx_clips_last_used_at").on(sql`${t.lastUsedAt} DESC`),
    index("idx_clips_times_used").on(t.timesUsed),
    index("idx_clips_avg_retention").on(sql`${t.avgRetentionRate} DESC`),
    index("idx_clips_file_path").on(t.filePath),
    check("status_valid", sql`${t.status} IN ('pending','analyzed','failed')`),
    check("source_valid", sql`${t.source} IN ('user_upload','purchased','licensed')`),
    check("pacing_valid", sql`${t.pacing} IS NULL OR ${t.pacing} IN ('slow','medium','fast','frenetic')`),
    check("duration_positive", sql`${t.durationSeconds} >= 0`),
    between("intensity", 0, 10),
    between("surprise_factor", 0, 10),
    between("viral_potential", 0, 10),
    between("impact_score", 0, 10),
    between("theme_fails_accidents", 0, 10),
    between("theme_extreme_sports", 0, 10),
    between("theme_comedy", 0, 10),
    between("theme_wholesome", 0, 10),
    between("theme_instant_regret", 0, 10),
    between("theme_tutorial_fail", 0, 10),
    between("theme_animal_antics", 0, 10),
    between("theme_epic_wins", 0, 10),
    between("avg_retention_rate", 0, 1),
    between("click_through_rate", 0, 1),
    between("avg_user_rating", 0, 5),
  ],
);

export const semanticTags = sqliteTable(
  "semantic_tags",
  {
    id: text("id").primaryKey().$defaultFn(uuid),
    clipId: text("clip_id")
      .notNull()
      .references(() => videoClips.id, { onDelete: "cascade" }),
    tag: text("tag").notNull(),
    confidence: real("confidence").notNull(),
    source: text("source", { enum: ["llm_analysis", "local_analysis", "manual", "user_feedback"] }).notNull(),
    createdAt: ts("created_at").notNull().$defaultFn(now),
  },
  (t) => [
    uniqueIndex("semantic_tags_clip_tag_key").on(t.clipId, t.tag),
    index("idx_tags_tag").on(t.tag),
    index("idx_tags_clip").on(t.clipId),
    between("confidence", 0, 1),
    check("tag_source_valid", sql`${t.source} IN ('llm_analysis','local_analysis','manual','user_feedback')`),
  ],
);

/** Frames kept per clip (keyframes, thumbnail) with their optional image embedding. */
export const clipFrames = sqliteTable(
  "clip_frames",
  {
    clipId: text("clip_id")
      .notNull()
      .references(() => videoClips.id, { onDelete: "cascade" }),
    timeSeconds: real("time_seconds").notNull(),
    reason: text("reason").notNull(),
    imagePath: text("image_path"),
    embeddingModel: text("embedding_model"),
    embedding: blob("embedding", { mode: "buffer" }),
  },
  (t) => [primaryKey({ columns: [t.clipId, t.timeSeconds] })],
);

/** Links between clips: near-duplicates found by the perceptual fingerprint. */
export const clipLinks = sqliteTable(
  "clip_links",
  {
    clipId: text("clip_id")
      .notNull()
      .references(() => videoClips.id, { onDelete: "cascade" }),
    otherClipId: text("other_clip_id")
      .notNull()
      .references(() => videoClips.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["near_duplicate"] }).notNull(),
    similarity: real("similarity").notNull(),
  },
  (t) => [primaryKey({ columns: [t.clipId, t.otherClipId, t.kind] }), index("idx_links_other").on(t.otherClipId)],
);

/** One indexing task per (batch, file): the persisted statechart snapshot makes batches resumable. */
export const indexTasks = sqliteTable(
  "index_tasks",
  {
    id: text("id").primaryKey().$defaultFn(uuid),
    batchId: text("batch_id").notNull(),
    filePath: text("file_path").notNull(),
    status: text("status", { enum: ["queued", "running", "done", "skipped", "failed"] }).notNull().default("queued"),
    stage: text("stage"),
    reason: text("reason"),
    clipId: text("clip_id"),
    options: json<Record<string, unknown>>("options").notNull().default({}),
    snapshot: json<unknown>("snapshot"),
    attempts: integer("attempts").notNull().default(0),
    createdAt: ts("created_at").notNull().$defaultFn(now),
    updatedAt: ts("updated_at").notNull().$defaultFn(now).$onUpdateFn(now),
  },
  (t) => [
    index("idx_index_tasks_status").on(t.status),
    index("idx_index_tasks_path").on(t.filePath),
    check("index_task_status_valid", sql`${t.status} IN ('queued','running','done','skipped','failed')`),
  ],
);

export const videoProductions = sqliteTable(
  "video_productions",
  {
    id: text("id").primaryKey().$defaultFn(uuid),
    productionId: text("production_id").notNull(),
    theme: text("theme").notNull(),
    targetDuration: integer("target_duration").notNull(),
    style: text("style", { enum: ["energetic", "chill", "emotional"] }).notNull().default("energetic"),
    aspect: text("aspect").notNull().default("16:9"),
    resolution: text("resolution").notNull().default("1080p"),
    status: text("status").notNull().default("curating"),
    stage: text("stage"),
    progress: real("progress").notNull().default(0),
    error: text("error"),
    startedAt: ts("started_at"),
    completedAt: ts("completed_at"),
    finalVideoPath: text("final_video_path"),
    finalDuration: real("final_duration"),
    clipsCount: integer("clips_count"),
    title: text("title"),
    description: text("description"),
    tags: json<string[]>("tags").notNull().default([]),
    thumbnailTimestamp: real("thumbnail_timestamp"),
    views: integer("views"),
    likes: integer("likes"),
    comments: integer("comments"),
    avgWatchTime: real("avg_watch_time"),
    retentionRate: real("retention_rate"),
    estimatedViews: integer("estimated_views"),
    /** The persisted XState snapshot (the seed's LangGraph checkpoint). */
    machineSnapshot: json<unknown>("machine_snapshot"),
    artifacts: json<Record<string, unknown>>("artifacts").notNull().default({}),
    createdAt: ts("created_at").notNull().$defaultFn(now),
    updatedAt: ts("updated_at").notNull().$defaultFn(now).$onUpdateFn(now),
  },
  (t) => [
    uniqueIndex("video_productions_production_id_key").on(t.productionId),
    index("idx_productions_status").on(t.status),
    index("idx_productions_created_at").on(sql`${t.createdAt} DESC`),
    check("style_valid", sql`${t.style} IN ('energetic','chill','emotional')`),
    check("target_duration_positive", sql`${t.targetDuration} > 0`),
    between("progress", 0, 100),
    between("retention_rate", 0, 1),
  ],
);

export const productionClips = sqliteTable(
  "production_clips",
  {
    productionId: text("production_id")
      .notNull()
      .references(() => videoProductions.id, { onDelete: "cascade" }),
    clipId: text("clip_id")
      .notNull()
      .references(() => videoClips.id, { onDelete: "restrict" }),
    positionIndex: integer("position_index").notNull(),
    startTimeInVideo: real("start_time_in_video").notNull(),
    endTimeInVideo: real("end_time_in_video").notNull(),
    sourceStart: real("source_start"),
    sourceEnd: real("source_end"),
    transitionBefore: text("transition_before", { enum: ["fade", "cut", "zoom"] }).notNull().default("cut"),
    audioLevel: real("audio_level").notNull().default(1.0),
    appliedEffects: json<Record<string, unknown>>("applied_effects").notNull().default({}),
    reason: text("reason"),
    /** Set when a feedback report has counted this use in the clip's times_used (counted once). */
    usageCountedAt: ts("usage_counted_at"),
  },
  (t) => [
    primaryKey({ columns: [t.productionId, t.clipId] }),
    check("transition_valid", sql`${t.transitionBefore} IN ('fade','cut','zoom')`),
    check("times_ordered", sql`${t.endTimeInVideo} >= ${t.startTimeInVideo}`),
  ],
);

/** Durable jobs of the embedded default (the in-process worker pool); BullMQ replaces it on Redis. */
export const jobs = sqliteTable(
  "jobs",
  {
    id: text("id").primaryKey().$defaultFn(uuid),
    queue: text("queue", { enum: ["index", "llm", "render", "maintenance"] }).notNull(),
    name: text("name").notNull(),
    payload: json<Record<string, unknown>>("payload").notNull().default({}),
    status: text("status", { enum: ["queued", "active", "completed", "failed"] }).notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(3),
    runAt: ts("run_at").notNull().$defaultFn(now),
    lockedBy: text("locked_by"),
    lockedUntil: ts("locked_until"),
    dedupeKey: text("dedupe_key"),
    result: json<unknown>("result"),
    error: text("error"),
    createdAt: ts("created_at").notNull().$defaultFn(now),
    updatedAt: ts("updated_at").notNull().$defaultFn(now).$onUpdateFn(now),
  },
  (t) => [
    index("idx_jobs_ready").on(t.queue, t.status, t.runAt),
    uniqueIndex("jobs_dedupe_key").on(t.dedupeKey),
    check("job_status_valid", sql`${t.status} IN ('queued','active','completed','failed')`),
    check("job_queue_valid", sql`${t.queue} IN ('index','llm','render','maintenance')`),
  ],
);

/** LLM replies keyed by the content hash of the request (provider, model, task, inputs). */
export const llmCache = sqliteTable("llm_cache", {
  key: text("key").primaryKey(),
  provider: text("provider").notNull(),
  model: text("model").notNull(),
  task: text("task").notNull(),
  response: json<unknown>("response").notNull(),
  createdAt: ts("created_at").notNull().$defaultFn(now),
});

/** One row per LLM request (or cache hit): tokens, cost and latency, summed per day. */
export const llmUsage = sqliteTable(
  "llm_usage",
  {
    id: text("id").primaryKey().$defaultFn(uuid),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    task: text("task").notNull(),
    day: text("day").notNull(),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    costUsd: real("cost_usd").notNull().default(0),
    latencyMs: real("latency_ms").notNull().default(0),
    status: text("status").notNull(),
    cached: bool("cached").notNull().default(false),
    error: text("error"),
    createdAt: ts("created_at").notNull().$defaultFn(now),
  },
  (t) => [index("idx_llm_usage_day").on(t.day)],
);

/** Audio fingerprints of the user's reference tracks (music the library must not reuse). */
export const referenceTracks = sqliteTable(
  "reference_tracks",
  {
    id: text("id").primaryKey().$defaultFn(uuid),
    filePath: text("file_path").notNull(),
    fileHash: text("file_hash").notNull(),
    title: text("title").notNull(),
    durationSeconds: real("duration_seconds").notNull(),
    fingerprint: json<number[]>("fingerprint").notNull().default([]),
    createdAt: ts("created_at").notNull().$defaultFn(now),
  },
  (t) => [uniqueIndex("reference_tracks_file_hash_key").on(t.fileHash)],
);

/** Post-publication figures of a production, one row per report (idempotent per report id). */
export const productionMetricReports = sqliteTable(
  "production_metric_reports",
  {
    productionId: text("production_id")
      .notNull()
      .references(() => videoProductions.id, { onDelete: "cascade" }),
    reportId: text("report_id").notNull(),
    views: integer("views"),
    likes: integer("likes"),
    comments: integer("comments"),
    avgWatchTime: real("avg_watch_time"),
    retentionRate: real("retention_rate"),
    createdAt: ts("created_at").notNull().$defaultFn(now),
  },
  (t) => [primaryKey({ columns: [t.productionId, t.reportId] }), between("retention_rate", 0, 1)],
);

/** The three thumbnail variants of a production and their A/B figures. */
export const thumbnailVariants = sqliteTable(
  "thumbnail_variants",
  {
    id: text("id").primaryKey().$defaultFn(uuid),
    productionId: text("production_id")
      .notNull()
      .references(() => videoProductions.id, { onDelete: "cascade" }),
    variant: integer("variant").notNull(),
    strategy: text("strategy").notNull(),
    size: text("size").notNull(),
    imagePath: text("image_path").notNull(),
    clipId: text("clip_id"),
    timeSeconds: real("time_seconds"),
    impressions: integer("impressions").notNull().default(0),
    clicks: integer("clicks").notNull().default(0),
    chosen: bool("chosen").notNull().default(false),
    createdAt: ts("created_at").notNull().$defaultFn(now),
  },
  (t) => [uniqueIndex("thumbnail_variants_key").on(t.productionId, t.variant, t.size)],
);

/** Every change a person made to a production's cut in review: who, when, what. */
export const productionEdits = sqliteTable(
  "production_edits",
  {
    id: text("id").primaryKey().$defaultFn(uuid),
    productionId: text("production_id")
      .notNull()
      .references(() => videoProductions.id, { onDelete: "cascade" }),
    author: text("author").notNull(),
    kind: text("kind").notNull(),
    detail: json<Record<string, unknown>>("detail").notNull().default({}),
    createdAt: ts("created_at").notNull().$defaultFn(now),
  },
  (t) => [index("idx_production_edits_production").on(t.productionId)],
);

export const usableClips = sqliteView("usable_clips").as((qb) =>
  qb
    .select()
    .from(videoClips)
    .where(sql`${videoClips.status} = 'analyzed' AND ${videoClips.rightsCleared} = 1 AND ${videoClips.intensity} > 5`),
);

export const underutilizedClips = sqliteView("underutilized_clips").as((qb) =>
  qb
    .select()
    .from(videoClips)
    .where(
      sql`${videoClips.status} = 'analyzed' AND ${videoClips.rightsCleared} = 1 AND ${videoClips.viralPotential} >= 7 AND ${videoClips.timesUsed} < 3`,
    )
    .orderBy(sql`${videoClips.viralPotential} DESC`, sql`${videoClips.timesUsed} ASC`),
);

export const productionPerformance = sqliteView("production_performance").as((qb) =>
  qb
    .select({
      productionId: videoProductions.productionId,
      theme: videoProductions.theme,
      style: videoProductions.style,
      views: videoProductions.views,
      likes: videoProductions.likes,
      retentionRate: videoProductions.retentionRate,
      clipsCount: sql<number>`count(${productionClips.clipId})`.as("clip_count"),
      avgClipViralPotential: sql<number | null>`avg(${videoClips.viralPotential})`.as("avg_clip_viral_potential"),
      avgClipIntensity: sql<number | null>`avg(${videoClips.intensity})`.as("avg_clip_intensity"),
      completedAt: videoProductions.completedAt,
    })
    .from(videoProductions)
    .leftJoin(productionClips, sql`${productionClips.productionId} = ${videoProductions.id}`)
    .leftJoin(videoClips, sql`${videoClips.id} = ${productionClips.clipId}`)
    .where(sql`${videoProductions.status} = 'completed'`)
    .groupBy(videoProductions.id),
);
