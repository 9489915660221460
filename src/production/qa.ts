/**
 * QA: checks a timeline before anything is rendered. Each failed check gives a reason and who
 * must fix it: the curator (swap clips out) or the editor (re-trim). Measured checks (black or
 * frozen stretches in the chosen source windows) come in as data from src/render/qa-measure.ts.
 */
import type { ClipRow } from "../db/repositories/clips.ts";
import { NEAR_DUPLICATE, unusableReason } from "./curate.ts";
import type { Timeline } from "./types.ts";

export const DURATION_TOLERANCE = 0.02;
export const MIN_CLIP_SECONDS = 1.5;
/** Black longer than this inside a trimmed window fails QA (a fade of a few frames is fine). */
export const MAX_BLACK_SECONDS = 1.0;
export const MAX_FROZEN_SECONDS = 2.0;

export interface QaIssue {
  check: "duration" | "duplicate" | "near_duplicate" | "rights" | "min_length" | "black" | "frozen" | "loudness" | "empty";
  message: string;
  /** Who fixes it: the curator replaces clips, the editor re-trims. */
  route: "curator" | "editor";
  clipId?: string;
}

export interface QaVerdict {
  passed: boolean;
  issues: QaIssue[];
  duration: number;
  target: number;
}

export interface WindowMeasure {
  clipId: string;
  black: { start: number; end: number }[];
  frozen: { start: number; end: number }[];
}

/** Runs every pre-render check on a timeline against the current clip rows. */
export function checkTimeline(
  tl: Timeline,
  target: number,
  clips: Map<string, ClipRow>,
  similarity: (a: ClipRow, b: ClipRow) => number,
  measures: WindowMeasure[] = [],
): QaVerdict {
  const issues: QaIssue[] = [];
  if (!tl.entries.length) issues.push({ check: "empty", message: "no usable clip in the timeline", route: "curator" });
  const off = Math.abs(tl.duration - target) / target;
  if (off > DURATION_TOLERANCE) {
    const available = tl.entries.reduce((a, e) => a + (clips.get(e.clipId)?.durationSeconds ?? 0), 0);
    const short = tl.duration < target;
    issues.push({
      check: "duration",
      message: `duration ${tl.duration.toFixed(1)} s is ${(off * 100).toFixed(1)}% ${short ? "under" : "over"} the ${target} s target (±${DURATION_TOLERANCE * 100}% allowed)${short ? `; the picked clips hold ${available.toFixed(1)} s in all` : ""}`,
      route: short && available < target * (1 + DURATION_TOLERANCE) ? "curator" : "editor",
    });
  }
  const seen = new Set<string>();
  for (const e of tl.entries) {
    if (seen.has(e.clipId)) issues.push({ check: "duplicate", message: `${e.externalId} is used twice`, route: "curator", clipId: e.clipId });
    seen.add(e.clipId);
    const row = clips.get(e.clipId);
    const why = row ? unusableReason(row) : "clip no longer exists";
    if (why) issues.push({ check: "rights", message: `${e.externalId}: ${why}`, route: "curator", clipId: e.clipId });
    if (e.sourceEnd - e.sourceStart < MIN_CLIP_SECONDS)
      issues.push({ check: "min_length", message: `${e.externalId} lasts ${(e.sourceEnd - e.sourceStart).toFixed(2)} s, under ${MIN_CLIP_SECONDS} s`, route: "editor", clipId: e.clipId });
  }
  const rows = tl.entries.map((e) => clips.get(e.clipId)).filter((r): r is ClipRow => Boolean(r));
  for (let i = 0; i < rows.length; i++)
    for (let j = i + 1; j < rows.length; j++) {
      const s = similarity(rows[i]!, rows[j]!);
      if (rows[i]!.id !== rows[j]!.id && s >= NEAR_DUPLICATE)
        issues.push({ check: "near_duplicate", message: `${rows[i]!.externalId} and ${rows[j]!.externalId} are near-duplicates (${s.toFixed(2)})`, route: "curator", clipId: rows[j]!.id });
    }
  for (const m of measures) {
    const ext = tl.entries.find((e) => e.clipId === m.clipId)?.externalId ?? m.clipId;
    const longBlack = m.black.find((b) => b.end - b.start > MAX_BLACK_SECONDS);
    if (longBlack) issues.push({ check: "black", message: `${ext} is black for ${(longBlack.end - longBlack.start).toFixed(1)} s in its window`, route: "curator", clipId: m.clipId });
    const longFreeze = m.frozen.find((f) => f.end - f.start > MAX_FROZEN_SECONDS);
    if (longFreeze) issues.push({ check: "frozen", message: `${ext} is frozen for ${(longFreeze.end - longFreeze.start).toFixed(1)} s in its window`, route: "curator", clipId: m.clipId });
  }
  return { passed: issues.length === 0, issues, duration: tl.duration, target };
}
