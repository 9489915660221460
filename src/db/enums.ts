/** Enumerations shared by both database dialects, the HTTP boundary and the CLI. */

export const CLIP_STATUSES = ["pending", "analyzed", "failed"] as const;
export type ClipStatus = (typeof CLIP_STATUSES)[number];

export const CLIP_SOURCES = ["user_upload", "purchased", "licensed"] as const;
export type ClipSource = (typeof CLIP_SOURCES)[number];

export const PACINGS = ["slow", "medium", "fast", "frenetic"] as const;
export type Pacing = (typeof PACINGS)[number];

/** Emotional tones the local analysis assigns; the seed lists comic, epic, wholesome, "…". */
export const EMOTIONAL_TONES = [
  "comic",
  "epic",
  "wholesome",
  "tense",
  "calm",
  "dramatic",
  "chaotic",
  "informative",
  "nostalgic",
] as const;
export type EmotionalTone = (typeof EMOTIONAL_TONES)[number];

export const TAG_SOURCES = ["llm_analysis", "local_analysis", "manual", "user_feedback"] as const;
export type TagSource = (typeof TAG_SOURCES)[number];

export const STYLES = ["energetic", "chill", "emotional"] as const;
export type Style = (typeof STYLES)[number];

export const TRANSITIONS = ["fade", "cut", "zoom"] as const;
export type Transition = (typeof TRANSITIONS)[number];

/** Production statuses: the seed's default 'curating' plus the pipeline's stages. */
export const PRODUCTION_STATUSES = [
  "queued",
  "curating",
  "editing",
  "qa",
  "metadata",
  "awaiting_review",
  "rendering",
  "completed",
  "failed",
  "cancelled",
] as const;
export type ProductionStatus = (typeof PRODUCTION_STATUSES)[number];

export const INDEX_TASK_STATUSES = ["queued", "running", "done", "skipped", "failed"] as const;
export type IndexTaskStatus = (typeof INDEX_TASK_STATUSES)[number];

/** The seed's fixed themes; each becomes a theme_* column scored 0..10. */
export const THEMES = [
  "fails_accidents",
  "extreme_sports",
  "comedy",
  "wholesome",
  "instant_regret",
  "tutorial_fail",
  "animal_antics",
  "epic_wins",
] as const;
export type Theme = (typeof THEMES)[number];

/** Columns holding a 0..10 score, each enforced by a CHECK constraint. */
export const SCORE_COLUMNS = [
  "intensity",
  "surprise_factor",
  "viral_potential",
  "impact_score",
  ...THEMES.map((t) => `theme_${t}` as const),
] as const;
