/**
 * Metadata: title, description with chapters (one timestamp per clip), tags, the three
 * thumbnail picks (seed rules), attribution lines for CC-BY clips, and an estimate of views
 * from past productions' performance once there is any.
 */
import type { ClipRow } from "../db/repositories/clips.ts";
import type { Style } from "../db/enums.ts";
import type { Timeline } from "./types.ts";

export interface ThumbnailPick {
  rule: "highest_viral_potential_at_50pct" | "highest_surprise_factor_at_70pct" | "hook_action_moment" | "llm_pick";
  clipId: string;
  externalId: string;
  /** Time in the source clip. */
  sourceTime: number;
  /** Time in the finished video, when the moment falls inside the trimmed window. */
  videoTime: number | null;
}

export interface ProductionMetadata {
  title: string;
  description: string;
  tags: string[];
  thumbnails: ThumbnailPick[];
  thumbnailTimestamp: number;
  estimatedViews: number | null;
}

/** "01:05" / "1:02:03" as platforms expect chapter stamps. */
export function chapterStamp(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

const STYLE_WORDS: Record<Style, string> = { energetic: "Non-Stop", chill: "Relaxing", emotional: "Heartfelt" };

function titleCase(s: string): string {
  return s.replace(/\b([a-z])([a-z]*)/g, (_, a: string, b: string) => (["and", "or", "of", "the", "a", "in", "on"].includes(a + b) ? a + b : a.toUpperCase() + b)).replace(/^./, (c) => c.toUpperCase());
}

function videoTimeOf(tl: Timeline, clipId: string, sourceTime: number): number | null {
  const e = tl.entries.find((x) => x.clipId === clipId);
  if (!e || sourceTime < e.sourceStart || sourceTime > e.sourceEnd) return e ? e.start + (e.end - e.start) / 2 : null;
  return Math.round((e.start + (sourceTime - e.sourceStart)) * 100) / 100;
}

/** Writes the production's metadata from its timeline and clips. */
export function writeMetadata(
  tl: Timeline,
  theme: string,
  clips: Map<string, ClipRow>,
  past: { theme: string; views: number | null }[] = [],
): ProductionMetadata {
  const rows = tl.entries.map((e) => clips.get(e.clipId)).filter((c): c is ClipRow => Boolean(c));
  const minutes = tl.duration >= 90 ? `${Math.round(tl.duration / 60)} Minutes` : `${Math.round(tl.duration)} Seconds`;
  const title = `${titleCase(theme)}: ${minutes} of ${STYLE_WORDS[tl.style]} Moments`;
  const chapters = tl.entries.map((e) => `${chapterStamp(e.start)} ${e.title.replace(/^\d+\.\s*/, "")}`);
  const credits = rows.filter((c) => c.license?.toUpperCase().startsWith("CC-BY") || c.attribution).map((c) => `- ${c.externalId}: ${c.attribution ?? c.filePath.split("/").pop()} (${c.license})`);
  const description = [
    `${titleCase(theme)} — ${tl.entries.length} clips, ${chapterStamp(tl.duration)} long.`,
    "",
    "Chapters:",
    ...chapters,
    ...(credits.length ? ["", "Credits (Creative Commons Attribution):", ...credits] : []),
  ].join("\n");
  const tagCounts = new Map<string, number>();
  for (const w of theme.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 2)) tagCounts.set(w, 100);
  for (const c of rows) for (const el of c.visualElements.slice(0, 4)) tagCounts.set(el, (tagCounts.get(el) ?? 0) + 1);
  tagCounts.set("compilation", 50);
  const tags = [...tagCounts].sort((a, b) => b[1] - a[1]).map(([t]) => t).slice(0, 15);

  const best = (score: (c: ClipRow) => number) => rows.reduce((a, b) => (score(b) > score(a) ? b : a), rows[0]!);
  const thumbnails: ThumbnailPick[] = [];
  if (rows.length) {
    const v = best((c) => c.viralPotential ?? 0);
    const s = best((c) => c.surpriseFactor ?? 0);
    const hook = rows[0]!;
    const hookAction = hook.keyMoments.find((m) => m.event === "action")?.timestamp ?? hook.durationSeconds / 2;
    for (const [rule, clip, t] of [
      ["highest_viral_potential_at_50pct", v, v.durationSeconds * 0.5],
      ["highest_surprise_factor_at_70pct", s, s.durationSeconds * 0.7],
      ["hook_action_moment", hook, hookAction],
    ] as const) {
      thumbnails.push({ rule, clipId: clip.id, externalId: clip.externalId, sourceTime: Math.round(t * 100) / 100, videoTime: videoTimeOf(tl, clip.id, t) });
    }
  }
  const words = new Set(theme.toLowerCase().split(/\W+/).filter((w) => w.length > 2));
  const related = past.filter((p) => p.views !== null && p.theme.toLowerCase().split(/\W+/).some((w) => words.has(w)));
  const pool = related.length ? related : past.filter((p) => p.views !== null);
  const estimatedViews = pool.length ? Math.round(pool.reduce((a, p) => a + (p.views ?? 0), 0) / pool.length) : null;
  return { title, description, tags, thumbnails, thumbnailTimestamp: thumbnails[0]?.videoTime ?? 0, estimatedViews };
}
