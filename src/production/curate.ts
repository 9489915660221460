/**
 * Curator: from search candidates for the theme, keeps usable clips (analysed, rights cleared),
 * scores them by relevance, viral potential, intensity for the style and freshness, then picks a
 * diverse set with maximal marginal relevance (no near-duplicates, a spread of sources and tones).
 * Every pick carries the reason it was picked.
 */
import { NEAR_DUPLICATE_SIMILARITY } from "../analysis/visual/features.ts";
import type { ClipRow } from "../db/repositories/clips.ts";
import type { ProductionPlan } from "./plan.ts";
import { STYLE_RULES } from "./plan.ts";

export interface Candidate {
  clip: ClipRow;
  /** Search relevance normalised to 0..1 (best match of the run = 1). */
  relevance: number;
  /** The matching moment from search, when it pointed at one. */
  moment?: { start: number; end: number };
  why: string[];
}

export interface Pick {
  clip: ClipRow;
  score: number;
  relevance: number;
  moment?: { start: number; end: number };
  reason: string;
}

export interface CurationResult {
  picks: Pick[];
  runnersUp: Pick[];
  /** Clips considered and why they were not usable (rights, status, near-duplicate). */
  excluded: { externalId: string; reason: string }[];
}

/** Why a clip cannot go into a production, or null when it can. */
export function unusableReason(c: ClipRow): string | null {
  if (c.status !== "analyzed") return `status ${c.status}${c.statusReason ? ` (${c.statusReason})` : ""}`;
  if (!c.rightsCleared) return `rights not cleared: ${c.rightsReason ?? "no licence"}`;
  if (c.durationSeconds < 1.5) return "shorter than 1.5 s";
  return null;
}

/** Freshness 0..1: unused clips score 1; each use and a recent use lower it. */
export function freshness(c: ClipRow, now = Date.now()): number {
  const uses = 1 / (1 + c.timesUsed);
  const days = c.lastUsedAt ? (now - c.lastUsedAt.getTime()) / 86_400_000 : 365;
  return 0.6 * uses + 0.4 * Math.min(1, days / 30);
}

/** The clip's value for this production, 0..1, before diversity. */
export function candidateScore(cand: Candidate, plan: ProductionPlan, now = Date.now()): number {
  const c = cand.clip;
  const w = STYLE_RULES[plan.style].intensityWeight;
  const intensity = (c.intensity ?? 5) / 10;
  const styleFit = w >= 0 ? intensity * w + (1 - w) * 0.5 : (1 - intensity) * -w + (1 + w) * 0.5;
  // Past retention feeds back here once published videos report it (feedback loop).
  const retention = c.avgRetentionRate ?? 0.5;
  return 0.45 * cand.relevance + 0.2 * ((c.viralPotential ?? 5) / 10) + 0.15 * styleFit + 0.12 * freshness(c, now) + 0.08 * retention;
}

/** How alike two clips are for diversity (0..1): near-duplicate fingerprints, same source folder, same tone. */
export function clipSimilarity(a: ClipRow, b: ClipRow, fingerprint: (x: string[], y: string[]) => number): number {
  if (a.duplicateOf === b.id || b.duplicateOf === a.id) return 1;
  const fp = a.perceptualHash.length && b.perceptualHash.length ? fingerprint(a.perceptualHash, b.perceptualHash) : 0;
  const folder = (p: string) => p.split("/").slice(0, -1).join("/");
  const prefix = (p: string) => (p.split("/").pop() ?? "").split(/[_-]/)[0];
  const sameSource = prefix(a.filePath) === prefix(b.filePath) && folder(a.filePath) === folder(b.filePath) ? 0.5 : 0;
  const sameTone = a.emotionalTone && a.emotionalTone === b.emotionalTone ? 0.2 : 0;
  return Math.min(1, Math.max(fp, sameSource + sameTone));
}

/** Near-duplicate threshold: such pairs never both appear in one production. */
export const NEAR_DUPLICATE = NEAR_DUPLICATE_SIMILARITY;

/**
 * Picks `count` clips by MMR: each step takes the candidate maximising
 * λ·score − (1−λ)·max similarity to those already picked (λ = 0.7).
 */
export function curate(cands: Candidate[], plan: ProductionPlan, count: number, fingerprint: (x: string[], y: string[]) => number, exclude = new Set<string>()): CurationResult {
  const excluded: CurationResult["excluded"] = [];
  const usable: (Candidate & { score: number })[] = [];
  for (const cand of cands) {
    const why = exclude.has(cand.clip.id) ? "excluded by QA on an earlier attempt" : unusableReason(cand.clip);
    if (why) excluded.push({ externalId: cand.clip.externalId, reason: why });
    else usable.push({ ...cand, score: candidateScore(cand, plan) });
  }
  const lambda = 0.7;
  const picks: Pick[] = [];
  const pool = [...usable].sort((a, b) => b.score - a.score);
  while (picks.length < count && pool.length) {
    let bestIdx = -1;
    let best = -Infinity;
    pool.forEach((c, i) => {
      const sim = picks.reduce((m, p) => Math.max(m, clipSimilarity(c.clip, p.clip, fingerprint)), 0);
      if (sim >= NEAR_DUPLICATE) return;
      const mmr = lambda * c.score - (1 - lambda) * sim;
      if (mmr > best) {
        best = mmr;
        bestIdx = i;
      }
    });
    if (bestIdx < 0) break;
    const [c] = pool.splice(bestIdx, 1);
    picks.push(toPick(c!));
  }
  for (const c of pool) {
    const dup = picks.find((p) => clipSimilarity(c.clip, p.clip, fingerprint) >= NEAR_DUPLICATE);
    if (dup) excluded.push({ externalId: c.clip.externalId, reason: `near-duplicate of ${dup.clip.externalId}` });
  }
  const runnersUp = pool.filter((c) => !excluded.some((e) => e.externalId === c.clip.externalId)).slice(0, 10).map(toPick);
  return { picks, runnersUp, excluded };
}

function toPick(c: Candidate & { score: number }): Pick {
  const k = c.clip;
  const reason = [
    `relevance ${(c.relevance * 100).toFixed(0)}%${c.why.length ? ` (${c.why.slice(0, 3).join(", ")})` : ""}`,
    `viral ${k.viralPotential?.toFixed(1) ?? "?"}`,
    `intensity ${k.intensity?.toFixed(1) ?? "?"}`,
    `used ${k.timesUsed}×`,
  ].join("; ");
  return { clip: k, score: Math.round(c.score * 1000) / 1000, relevance: c.relevance, moment: c.moment, reason };
}
