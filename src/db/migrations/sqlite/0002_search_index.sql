-- Custom migration (drizzle-kit generate --custom): FTS5 virtual tables are not modelled by drizzle.
-- One full-text document per clip, kept by src/search/search-index.ts when a clip is stored or edited.
-- porter + unicode61: English stemming ("falls", "falling" -> "fall") over Unicode-aware tokens.
-- Columns are weighted at query time with bm25(); clip_id is stored but not indexed.
CREATE VIRTUAL TABLE `clip_search` USING fts5(
  clip_id UNINDEXED,
  description,
  elements,
  tags,
  speech,
  screen_text,
  sounds,
  path,
  notes,
  tokenize = 'porter unicode61 remove_diacritics 2'
);
--> statement-breakpoint
-- Virtual tables cannot hold foreign keys: remove a clip's document when the clip goes.
CREATE TRIGGER `video_clips_search_delete` AFTER DELETE ON `video_clips` FOR EACH ROW
BEGIN DELETE FROM `clip_search` WHERE `clip_id` = OLD.id; END;
