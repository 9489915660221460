/**
 * Search by meaning over the library: the query's concepts (with their expansions) run against
 * each clip's full-text document (FTS5 / tsvector); hits are filtered by the seed's filters,
 * kept only when enough of the query's concepts matched, and each result points at the moment
 * that matched with the signals that made it match.
 */
import { z } from "zod";
import type { AppContext } from "../app.ts";
import { EMOTIONAL_TONES, THEMES } from "../db/enums.ts";
import { FIELD_WEIGHTS, SEARCH_FIELDS, type LexicalHit, type SearchDocument, type SearchField } from "./search-index.ts";
import { denseSearch, type DenseHit } from "./dense.ts";
import { buildLexicalQuery, type QueryPlan } from "./lexical.ts";
import { createLlm } from "../llm/index.ts";
import { expandWithLlm, rerankWithLlm } from "../llm/search.ts";

export const searchFiltersSchema = z.strictObject({
  rights_cleared: z.boolean().optional(),
  min_intensity: z.number().min(0, "intensity runs 0..10").max(10, "intensity runs 0..10").optional(),
  tone: z.enum(EMOTIONAL_TONES).optional(),
  theme: z.enum(THEMES).optional(),
  status: z.enum(["analyzed", "any"]).default("analyzed"),
});
export type SearchFilters = z.infer<typeof searchFiltersSchema>;

export interface SearchResult {
  clip_id: string;
  external_id: string;
  file_path: string;
  score: number;
  start: number;
  end: number;
  why: string[];
}

export interface SearchOptions {
  limit?: number;
  filters?: Partial<SearchFilters>;
  /** Share of the query's concepts a clip must match (0..1); lower widens the search. */
  minCoverage?: number;
  /** Ignore these fields (tests use it to show the analysis alone finds clips). */
  excludeFields?: SearchField[];
  /** Use image embeddings when a CLIP model is present (default true). */
  dense?: boolean;
  /** Use the configured LLM for expansion and re-ranking when it handles them (default true). */
  llm?: boolean;
}

/** The clip fields search reads (see ClipRepository.forSearch). */
export type SearchRow = Awaited<ReturnType<AppContext["clips"]["forSearch"]>>[number];

const THEME_COLUMN: Record<string, keyof SearchRow> = {
  fails_accidents: "themeFailsAccidents",
  extreme_sports: "themeExtremeSports",
  comedy: "themeComedy",
  wholesome: "themeWholesome",
  instant_regret: "themeInstantRegret",
  tutorial_fail: "themeTutorialFail",
  animal_antics: "themeAnimalAntics",
  epic_wins: "themeEpicWins",
};

/** Does `text` contain `term` as a word (or a word starting with it, for stems like "fall" → "falling")? */
export function mentions(text: string, term: string): boolean {
  const t = term.toLowerCase();
  if (!t) return false;
  const esc = t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^a-z0-9])${esc}`, "i").test(text);
}

/** Which query concepts a document matches, and the strongest evidence for each. */
export function explain(plan: QueryPlan, doc: SearchDocument, weights: Record<SearchField, number>): { coverage: number; why: { field: SearchField; term: string; weight: number }[] } {
  const why: { field: SearchField; term: string; weight: number }[] = [];
  let matched = 0;
  for (const group of plan.groups) {
    let best: { field: SearchField; term: string; weight: number } | null = null;
    for (const alt of group.alternatives)
      for (const field of SEARCH_FIELDS) {
        if (!weights[field] || !mentions(doc[field], alt.term)) continue;
        const w = alt.weight * weights[field];
        if (!best || w > best.weight) best = { field, term: alt.term, weight: w };
      }
    if (best) {
      matched++;
      why.push(best);
    }
  }
  return { coverage: plan.groups.length ? matched / plan.groups.length : 0, why };
}

/** The moment in the clip that the evidence points at (object time, action span, words, event). */
export function momentOf(clip: SearchRow, why: { field: SearchField; term: string }[]): { start: number; end: number; evidence: string[] } {
  const d = clip.durationSeconds;
  const around = (t: number, half = 2) => ({ start: Math.max(0, t - half), end: Math.min(d, t + half) });
  const evidence: string[] = [];
  let window: { start: number; end: number } | null = null;
  for (const w of why) {
    const term = w.term.toLowerCase();
    const obj = clip.detectedObjects.find((o) => mentions(o.object, term));
    if (obj) {
      evidence.push(`object:${obj.object} ${obj.confidence.toFixed(2)}`);
      window ??= obj.time !== undefined ? around(obj.time) : null;
      continue;
    }
    const act = clip.detectedActions.find((a) => mentions(a.action, term));
    if (act) {
      evidence.push(`action:${act.action} ${act.confidence.toFixed(2)}`);
      window ??= { start: act.timespan[0], end: Math.max(act.timespan[1], act.timespan[0] + 1) };
      continue;
    }
    const word = clip.transcriptWords.find((x) => mentions(x.word, term));
    if (word) {
      evidence.push(`transcript:'${clip.transcriptWords.filter((x) => Math.abs(x.start - word.start) < 1.5).map((x) => x.word).join(" ")}'`);
      window ??= around(word.start, 1.5);
      continue;
    }
    const ev = clip.soundEventSpans.find((e) => mentions(e.event, term));
    if (ev) {
      evidence.push(`sound:${ev.event} ${ev.confidence.toFixed(2)}`);
      window ??= { start: Math.max(0, ev.start - 1), end: Math.min(d, ev.end + 1) };
      continue;
    }
    evidence.push(`${w.field}:${w.term}`);
  }
  if (!window) {
    const action = clip.keyMoments.find((k) => k.event === "action")?.timestamp;
    const setup = clip.keyMoments.find((k) => k.event === "setup")?.timestamp;
    const payoff = clip.keyMoments.find((k) => k.event === "payoff")?.timestamp;
    window = action !== undefined ? { start: setup ?? Math.max(0, action - 2), end: payoff ?? Math.min(d, action + 2) } : { start: 0, end: d };
  }
  const r = (x: number) => Math.round(x * 100) / 100;
  return { start: r(window.start), end: r(Math.max(window.end, window.start)), evidence };
}

function passesFilters(c: SearchRow, f: Partial<SearchFilters>): boolean {
  if ((f.status ?? "analyzed") === "analyzed" && c.status !== "analyzed") return false;
  if (f.rights_cleared !== undefined && c.rightsCleared !== f.rights_cleared) return false;
  if (f.min_intensity !== undefined && (c.intensity ?? 0) < f.min_intensity) return false;
  if (f.tone && c.emotionalTone !== f.tone) return false;
  if (f.theme && ((c[THEME_COLUMN[f.theme]!] as number | null) ?? 0) < 5) return false;
  return true;
}

/** Searches the library; an empty list when nothing matches well enough. */
/**
 * Coordination-level retrieval: clips matching all the query's concepts first, then every subset
 * one concept smaller, down to the fewest concepts the coverage bar accepts, stopping at the
 * first level that yields `need` candidates; when none does, the plain any-concept query fills up.
 * On a large library the engine then scores only the clips of the levels it reached, not every
 * clip that matches any concept.
 */
async function tieredMatch(app: AppContext, plan: QueryPlan, minCoverage: number, need: number, weights: Record<SearchField, number>): Promise<LexicalHit[]> {
  if (!plan.tiers.length) return app.searchIndex.match(plan, need, weights);
  const minSize = Math.max(1, Math.ceil(minCoverage * plan.groups.length - 1e-9));
  const found = new Map<string, LexicalHit>();
  for (const level of plan.tiers) {
    if (level[0]!.size < minSize) break;
    for (const expr of level)
      for (const h of await app.searchIndex.match(expr, need, weights)) {
        const prev = found.get(h.clipId);
        if (!prev || h.score > prev.score) found.set(h.clipId, h);
      }
    if (found.size >= need) return [...found.values()].sort((a, b) => b.score - a.score);
  }
  // Still short (a small library, or rare concepts): any concept may match, as the coverage bar
  // judges a concept present by word prefix ("hand" in "handheld") where the engine needs the word.
  for (const h of await app.searchIndex.match(plan, need, weights)) {
    const prev = found.get(h.clipId);
    if (!prev || h.score > prev.score) found.set(h.clipId, h);
  }
  return [...found.values()].sort((a, b) => b.score - a.score);
}

export async function searchClips(app: AppContext, query: string, opts: SearchOptions = {}): Promise<SearchResult[]> {
  const filters = searchFiltersSchema.parse(opts.filters ?? {});
  const limit = opts.limit ?? 10;
  const llm = opts.llm === false ? null : createLlm(app);
  const plan = await buildLexicalQuery(query, undefined, llm?.handles("expansion") ? (concepts) => expandWithLlm(llm.client, query, concepts) : undefined);
  if (!plan.groups.length) return [];
  const weights = { ...FIELD_WEIGHTS };
  for (const f of opts.excludeFields ?? []) weights[f] = 0;
  // A one-word query must match; longer queries need half their concepts unless told otherwise.
  const minCoverage = opts.minCoverage ?? (plan.groups.length === 1 ? 1 : 0.5);
  // Candidates: enough for filters and the coverage bar to leave `limit` results in practice.
  const hits = await tieredMatch(app, plan, minCoverage, Math.max(60, limit * 6), weights);
  const dense = opts.dense === false ? [] : await denseSearch(app, query, Math.max(30, limit * 3));
  if (!hits.length && !dense.length) return [];
  const rows = await app.clips.forSearch([...new Set([...hits.map((h) => h.clipId), ...dense.map((d) => d.clipId)])]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const top = hits[0]?.score || 1;
  const results: SearchResult[] = [];
  for (const h of hits) {
    const clip = byId.get(h.clipId);
    if (!clip || !passesFilters(clip, filters)) continue;
    const ex = explain(plan, h.document, weights);
    if (ex.coverage < minCoverage || !ex.why.length) continue;
    const m = momentOf(clip, ex.why);
    // Rank: the engine's relevance, scaled by how much of the query the clip covers.
    const score = Math.round((h.score / top) * (0.5 + 0.5 * ex.coverage) * 1000) / 1000;
    results.push({ clip_id: clip.id, external_id: clip.externalId, file_path: clip.filePath, score, start: m.start, end: m.end, why: m.evidence });
  }
  results.sort((a, b) => b.score - a.score);
  const ranked = dense.length ? fuse(results, dense, byId, filters) : results;
  if (llm?.handles("rerank") && ranked.length > 1) {
    // The LLM re-judges the head of the list from each clip's document; half the weight each.
    const head = ranked.slice(0, Math.max(limit, 20));
    const docs = new Map(hits.map((h) => [h.clipId, `${h.document.description} ${h.document.elements} ${h.document.speech}`]));
    const judged = await rerankWithLlm(llm.client, query, head.map((r) => ({ id: r.external_id, text: docs.get(r.clip_id) ?? r.why.join(", ") })));
    if (judged) {
      for (const r of head) {
        const j = judged.get(r.external_id);
        if (j !== undefined) {
          r.score = Math.round((0.5 * r.score + 0.5 * j) * 1000) / 1000;
          r.why.push(`llm:${j.toFixed(2)}`);
        }
      }
      head.sort((a, b) => b.score - a.score);
      return head.slice(0, limit);
    }
  }
  return ranked.slice(0, limit);
}

/** Reciprocal rank fusion constant (Cormack et al. 2009): damps the weight of top ranks. */
const RRF_K = 60;

/**
 * Fuses the lexical results with the image-embedding hits by reciprocal rank fusion; a clip
 * found only by its pictures points at its best frame and says so in `why`.
 */
function fuse(lexical: SearchResult[], dense: DenseHit[], rows: Map<string, SearchRow>, filters: Partial<SearchFilters>): SearchResult[] {
  const fused = new Map<string, SearchResult & { rrf: number }>();
  lexical.forEach((r, i) => fused.set(r.clip_id, { ...r, rrf: 1 / (RRF_K + i + 1) }));
  dense.forEach((d, i) => {
    const clip = rows.get(d.clipId);
    if (!clip || !passesFilters(clip, filters)) return;
    const why = `image:${d.score.toFixed(2)}@${d.time.toFixed(1)}s`;
    const prev = fused.get(d.clipId);
    if (prev) {
      prev.rrf += 1 / (RRF_K + i + 1);
      prev.why.push(why);
    } else {
      const r2 = (x: number) => Math.round(x * 100) / 100;
      fused.set(d.clipId, { clip_id: clip.id, external_id: clip.externalId, file_path: clip.filePath, score: 0, start: r2(Math.max(0, d.time - 2)), end: r2(Math.min(clip.durationSeconds, d.time + 2)), why: [why], rrf: 1 / (RRF_K + i + 1) });
    }
  });
  const list = [...fused.values()].sort((a, b) => b.rrf - a.rrf);
  const top = list[0]?.rrf ?? 1;
  return list.map(({ rrf, ...r }) => ({ ...r, score: Math.round((rrf / top) * 1000) / 1000 }));
}
