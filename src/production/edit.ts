/**
 * Editor: orders the picks for retention (strong hook first, rising intensity, best payoff
 * last, no two similar clips side by side), trims each to its setup→payoff window around its key
 * moments, picks transitions for the style, sets audio levels, and writes the timeline.
 */
import type { ClipRow } from "../db/repositories/clips.ts";
import type { Pick } from "./curate.ts";
import { STYLE_RULES, type ProductionPlan, type SectionName } from "./plan.ts";
import { outputSize, type Aspect, type Resolution, type Timeline, type TimelineEntry } from "./types.ts";

/** Loudness each clip is levelled to before the whole video is normalised to −14 LUFS. */
const CLIP_LEVEL_LUFS = -20;

export function orderForRetention(picks: Pick[], similar: (a: ClipRow, b: ClipRow) => number): Pick[] {
  if (picks.length <= 2) return [...picks];
  const rest = [...picks];
  const take = (score: (p: Pick) => number) => {
    let bi = 0;
    rest.forEach((p, i) => {
      if (score(p) > score(rest[bi]!)) bi = i;
    });
    return rest.splice(bi, 1)[0]!;
  };
  const hook = take((p) => 0.6 * (p.clip.viralPotential ?? 0) + 0.4 * (p.clip.surpriseFactor ?? 0) + p.relevance);
  const payoff = take((p) => (p.clip.impactScore ?? 0) + 0.5 * (p.clip.surpriseFactor ?? 0));
  rest.sort((a, b) => (a.clip.intensity ?? 0) - (b.clip.intensity ?? 0));
  const order = [hook, ...rest, payoff];
  // Break up neighbours that look alike by swapping with the nearest later clip that does not.
  for (let i = 1; i < order.length - 1; i++) {
    if (similar(order[i - 1]!.clip, order[i]!.clip) < 0.5) continue;
    const j = order.findIndex((p, k) => k > i && k < order.length - 1 && similar(order[i - 1]!.clip, p.clip) < 0.5);
    if (j > 0) [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** Splits the target across clips: each within [min, its own max], summing to target + overlaps. */
export function allocateLengths(maxes: number[], plan: ProductionPlan, overlapTotal: number): number[] {
  const want = plan.targetDuration + overlapTotal;
  const min = (i: number) => Math.min(plan.clipMin, maxes[i]!);
  const lens = maxes.map((m, i) => Math.max(min(i), Math.min(m, want / maxes.length)));
  for (let round = 0; round < 20; round++) {
    const diff = want - lens.reduce((a, b) => a + b, 0);
    if (Math.abs(diff) < 0.01) break;
    const slack = lens.map((l, i) => (diff > 0 ? maxes[i]! - l : l - min(i)));
    const total = slack.reduce((a, b) => a + Math.max(0, b), 0);
    if (total <= 1e-6) break;
    lens.forEach((l, i) => {
      lens[i] = l + (diff * Math.max(0, slack[i]!)) / total;
    });
  }
  return lens.map((l) => Math.round(l * 1000) / 1000);
}

/** The trim window of `length` seconds around the clip's key moments (setup → payoff). */
export function trimWindow(clip: ClipRow, length: number, moment?: { start: number; end: number }): { start: number; end: number } {
  const d = clip.durationSeconds;
  if (length >= d) return { start: 0, end: d };
  const km = clip.keyMoments;
  const action = km.find((m) => m.event === "action")?.timestamp ?? (moment ? (moment.start + moment.end) / 2 : d / 2);
  const setup = km.find((m) => m.event === "setup")?.timestamp ?? action - length * 0.4;
  // Start at the setup, but never so early that the action falls in the last 30% of the window.
  let start = Math.max(setup, action - length * 0.7);
  start = Math.max(0, Math.min(start, d - length));
  return { start: Math.round(start * 1000) / 1000, end: Math.round((start + length) * 1000) / 1000 };
}

/** Gain that brings a clip's integrated loudness to the common level (clamped, for silent tracks). */
export function audioLevelFor(lufs: number | null): number {
  if (lufs === null || lufs < -60) return 1;
  return Math.round(Math.min(3, Math.max(0.3, 10 ** ((CLIP_LEVEL_LUFS - lufs) / 20))) * 100) / 100;
}

/**
 * The source facts the renderer needs, as the index recorded them. The file's size goes with them
 * only when every fact is known, so the renderer probes the file instead of trusting a default.
 */
export function clipSource(c: ClipRow): TimelineEntry["source"] {
  const meta = c.customMetadata as { rotation?: number; sample_aspect_ratio?: number };
  const known = Boolean(c.resolutionWidth && c.resolutionHeight && c.fps);
  return {
    width: c.resolutionWidth ?? 0,
    height: c.resolutionHeight ?? 0,
    fps: c.fps ?? 25,
    hasAudio: Boolean(c.audioCodec),
    durationSeconds: c.durationSeconds,
    rotation: Number(meta.rotation ?? 0),
    sampleAspectRatio: Number(meta.sample_aspect_ratio ?? 1),
    fileSizeBytes: known ? (c.fileSizeBytes ?? undefined) : undefined,
  };
}

/** Subject centre for a vertical crop: the biggest person/animal box, else the frame centre. */
export function focusOf(clip: ClipRow): { x: number; y: number } {
  const boxes = clip.detectedObjects.filter((o) => o.confidence >= 0.4);
  if (!boxes.length) return { x: 0.5, y: 0.5 };
  const big = boxes.reduce((a, b) => (b.bbox[2] * b.bbox[3] > a.bbox[2] * a.bbox[3] ? b : a));
  return { x: big.bbox[0] + big.bbox[2] / 2, y: big.bbox[1] + big.bbox[3] / 2 };
}

function chapterTitle(clip: ClipRow, position: number): string {
  const words = clip.visualElements.filter((e) => !["speech", "music", "dark", "face", "on-screen text"].includes(e)).slice(0, 2);
  const name = words.length ? words.join(" & ") : (clip.filePath.split("/").pop() ?? clip.externalId).replace(/\.[^.]+$/, "").replace(/[_-]+/g, " ");
  return `${position + 1}. ${name.charAt(0).toUpperCase()}${name.slice(1)}`;
}

export interface EditOptions {
  productionId: string;
  aspect: Aspect;
  resolution: Resolution;
  fps?: number;
}

/**
 * Drops the weakest picks (never the opening one) while even their shortest allowed lengths
 * would overrun the target: many short clips cannot all fit, and each kept one needs its minimum.
 */
export function fitPicks(ordered: Pick[], plan: ProductionPlan): Pick[] {
  const picks = [...ordered];
  const floor = (p: Pick) => Math.min(plan.clipMin, p.clip.durationSeconds);
  while (picks.length > 1 && picks.reduce((a, p) => a + floor(p), 0) > plan.targetDuration * 1.01) {
    let weakest = 1;
    for (let i = 2; i < picks.length; i++) if (picks[i]!.score < picks[weakest]!.score) weakest = i;
    picks.splice(weakest, 1);
  }
  return picks;
}

/** Builds the timeline from ordered picks. */
export function buildTimeline(allPicks: Pick[], plan: ProductionPlan, opts: EditOptions): Timeline {
  const ordered = fitPicks(allPicks, plan);
  const rules = STYLE_RULES[plan.style];
  const transitions = ordered.map((_, i) => (i === 0 ? "cut" : rules.transitions[(i - 1) % rules.transitions.length]!));
  const overlapOf = (i: number) => (transitions[i] === "fade" ? Math.min(rules.transitionSeconds, plan.clipMin / 2) : 0);
  const overlapTotal = transitions.reduce((a, _, i) => a + overlapOf(i), 0);
  const styled = ordered.map((p) => Math.min(p.clip.durationSeconds, Math.max(plan.clipMax, plan.clipTarget * 1.5)));
  // When the style's cap leaves the picks short of the target, clips may run longer than the style likes.
  const want = plan.targetDuration + overlapTotal;
  const maxes = styled.reduce((a, b) => a + b, 0) >= want ? styled : ordered.map((p) => p.clip.durationSeconds);
  const lengths = allocateLengths(maxes, plan, overlapTotal);
  const sections: SectionName[] = ordered.map((_, i) => plan.sections[Math.min(i, plan.sections.length - 1)] ?? "build-up");
  if (ordered.length) sections[ordered.length - 1] = "outro";
  let t = 0;
  const entries: TimelineEntry[] = ordered.map((p, i) => {
    const w = trimWindow(p.clip, lengths[i]!, p.moment);
    const len = w.end - w.start;
    const start = Math.max(0, t - overlapOf(i));
    const entry: TimelineEntry = {
      position: i,
      clipId: p.clip.id,
      externalId: p.clip.externalId,
      filePath: p.clip.filePath,
      sourceStart: w.start,
      sourceEnd: w.end,
      start: Math.round(start * 1000) / 1000,
      end: Math.round((start + len) * 1000) / 1000,
      transition: transitions[i]!,
      transitionSeconds: overlapOf(i) || (transitions[i] === "zoom" ? rules.transitionSeconds : 0),
      audioLevel: audioLevelFor(p.clip.loudnessLufs),
      source: clipSource(p.clip),
      focus: focusOf(p.clip),
      section: sections[i]!,
      reason: p.reason,
      title: chapterTitle(p.clip, i),
    };
    t = start + len;
    return entry;
  });
  const { width, height } = outputSize(opts.aspect, opts.resolution);
  return {
    productionId: opts.productionId,
    style: plan.style,
    aspect: opts.aspect,
    resolution: opts.resolution,
    width,
    height,
    fps: opts.fps ?? 30,
    loudnessTarget: -14,
    entries,
    duration: Math.round(t * 1000) / 1000,
  };
}
