/**
 * The full-text document of each clip and the lexical query over it: SQLite FTS5 (bm25) in
 * the embedded default, PostgreSQL tsvector/GIN (ts_rank_cd) in scale-out. The document is
 * rebuilt from the clip row and its tags whenever either changes.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { rawRows } from "../db/raw.ts";
import type { ClipRow } from "../db/repositories/clips.ts";

export const SEARCH_FIELDS = ["description", "elements", "tags", "speech", "screen_text", "sounds", "path", "notes"] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];
export type SearchDocument = Record<SearchField, string>;

/**
 * bm25 weights per field (SQLite): what the analysis saw counts most, then what was said or
 * written on screen, then sounds; file and folder names and notes help but must not dominate.
 */
export const FIELD_WEIGHTS: Record<SearchField, number> = {
  description: 2.0,
  elements: 3.0,
  tags: 2.5,
  speech: 1.5,
  screen_text: 1.5,
  sounds: 1.5,
  path: 1.0,
  notes: 1.0,
};

const THEME_COLUMNS: [keyof ClipRow, string][] = [
  ["themeFailsAccidents", "fails accidents"],
  ["themeExtremeSports", "extreme sports"],
  ["themeComedy", "comedy funny"],
  ["themeWholesome", "wholesome"],
  ["themeInstantRegret", "instant regret"],
  ["themeTutorialFail", "tutorial fail"],
  ["themeAnimalAntics", "animal antics"],
  ["themeEpicWins", "epic wins"],
];

/** File and folder names as words: "pexels_squirrel_on_table.mp4" → "pexels squirrel on table". */
export function pathWords(filePath: string): string {
  const parts = filePath.split("/").filter(Boolean).slice(-3);
  return parts
    .map((p) => p.replace(/\.[a-z0-9]{2,4}$/i, ""))
    .join(" ")
    .replace(/[_\-.]+/g, " ")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase();
}

/** Builds a clip's searchable document from its row and tag names. */
export function buildDocument(clip: ClipRow, tags: string[]): SearchDocument {
  const elements = new Set<string>([
    ...clip.visualElements,
    ...clip.detectedObjects.map((o) => o.object),
    ...clip.detectedActions.map((a) => a.action),
  ]);
  if (clip.emotionalTone) elements.add(clip.emotionalTone);
  if (clip.pacing) elements.add(`${clip.pacing} pacing`);
  for (const [col, words] of THEME_COLUMNS) if (((clip[col] as number | null) ?? 0) >= 5) elements.add(words);
  const sounds = new Set(clip.soundEvents);
  if (clip.hasSpeech) sounds.add("speech talking");
  if (clip.hasBackgroundMusic) sounds.add("music");
  return {
    description: clip.sceneDescription ?? "",
    elements: [...elements].join(" ; "),
    tags: tags.join(" ; "),
    speech: clip.audioTranscript ?? "",
    screen_text: clip.onScreenText ?? "",
    sounds: [...sounds].join(" ; "),
    path: pathWords(clip.filePath),
    notes: clip.notes ?? "",
  };
}

export interface LexicalHit {
  clipId: string;
  /** Higher is better (bm25 negated on SQLite, ts_rank_cd on PostgreSQL). */
  score: number;
  document: SearchDocument;
}

/** Writes and queries the per-clip search documents. */
export class SearchIndexRepository {
  constructor(private readonly database: Database) {}

  /** Replaces one clip's document. */
  async upsert(clipId: string, doc: SearchDocument): Promise<void> {
    const v = SEARCH_FIELDS.map((f) => doc[f]);
    if (this.database.engine === "sqlite") {
      const raw = this.database.sqlite!;
      raw.transaction(() => {
        raw.query("DELETE FROM clip_search WHERE clip_id = ?").run(clipId);
        raw.query(`INSERT INTO clip_search (clip_id, ${SEARCH_FIELDS.join(", ")}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(clipId, ...v);
      })();
      return;
    }
    await rawRows(
      this.database,
      sql`INSERT INTO clip_search (clip_id, description, elements, tags, speech, screen_text, sounds, path, notes)
          VALUES (${clipId}, ${v[0]}, ${v[1]}, ${v[2]}, ${v[3]}, ${v[4]}, ${v[5]}, ${v[6]}, ${v[7]})
          ON CONFLICT (clip_id) DO UPDATE SET description = EXCLUDED.description, elements = EXCLUDED.elements, tags = EXCLUDED.tags,
            speech = EXCLUDED.speech, screen_text = EXCLUDED.screen_text, sounds = EXCLUDED.sounds, path = EXCLUDED.path, notes = EXCLUDED.notes`,
    );
  }

  async remove(clipId: string): Promise<void> {
    await rawRows(this.database, sql`DELETE FROM clip_search WHERE clip_id = ${clipId}`);
  }

  async count(): Promise<number> {
    const rows = await rawRows<{ n: number }>(this.database, sql`SELECT count(*) AS n FROM clip_search`);
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Runs a lexical query: `ftsMatch` is an FTS5 MATCH expression (SQLite), `tsQuery` a
   * to_tsquery expression (PostgreSQL); both built by src/search/query.ts with every term quoted.
   */
  async match(q: { ftsMatch: string; tsQuery: string }, limit: number, weights: Record<SearchField, number> = FIELD_WEIGHTS): Promise<LexicalHit[]> {
    if (this.database.engine === "sqlite") {
      if (!q.ftsMatch) return [];
      const w = SEARCH_FIELDS.map((f) => weights[f]).join(", ");
      const rows = this.database
        .sqlite!.query(`SELECT clip_id, ${SEARCH_FIELDS.join(", ")}, bm25(clip_search, 0, ${w}) AS rank FROM clip_search WHERE clip_search MATCH ? ORDER BY rank LIMIT ?`)
        .all(q.ftsMatch, limit) as (SearchDocument & { clip_id: string; rank: number })[];
      return rows.map((r) => ({ clipId: r.clip_id, score: -r.rank, document: pick(r) }));
    }
    if (!q.tsQuery) return [];
    const rows = await rawRows<SearchDocument & { clip_id: string; rank: number }>(
      this.database,
      sql`SELECT clip_id, description, elements, tags, speech, screen_text, sounds, path, notes,
                 ts_rank_cd(document, to_tsquery('english', ${q.tsQuery})) AS rank
          FROM clip_search WHERE document @@ to_tsquery('english', ${q.tsQuery})
          ORDER BY rank DESC LIMIT ${limit}`,
    );
    return rows.map((r) => ({ clipId: String(r.clip_id), score: Number(r.rank), document: pick(r) }));
  }
}

function pick(r: SearchDocument): SearchDocument {
  return Object.fromEntries(SEARCH_FIELDS.map((f) => [f, r[f] ?? ""])) as SearchDocument;
}
