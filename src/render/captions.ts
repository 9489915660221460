/**
 * SRT captions from each entry's word timings: words mapped from source time to video time,
 * words outside the trimmed window dropped, grouped into readable cues.
 */
import type { WordTime } from "../analysis/types.ts";
import type { Timeline } from "../production/types.ts";
import { layoutTimeline } from "./layout.ts";

/** Line and cue limits from common broadcast/streaming caption guidelines (Netflix, BBC): 42 chars, 2 lines, 6 s. */
export const CAPTION_LIMITS = { lineChars: 42, lines: 2, maxSeconds: 6, pauseSeconds: 1 } as const;

export interface Cue {
  start: number;
  end: number;
  lines: string[];
}

const pad = (n: number, w = 2) => String(Math.floor(n)).padStart(w, "0");

/** SRT timestamp, e.g. 00:00:01,500. */
export function srtTime(seconds: number): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  return `${pad(ms / 3_600_000)}:${pad((ms / 60_000) % 60)}:${pad((ms / 1000) % 60)},${pad(ms % 1000, 3)}`;
}

/** Splits text into at most `lines` lines of ≤ `width` chars, balanced; null when it does not fit. */
export function wrapCaption(text: string, width: number = CAPTION_LIMITS.lineChars, lines: number = CAPTION_LIMITS.lines): string[] | null {
  const words = text.split(/\s+/).filter(Boolean);
  if (text.length <= width) return [words.join(" ")];
  if (lines < 2) return null;
  // Two lines: the split point that keeps the longer line shortest (balanced lines read faster).
  let best: string[] | null = null;
  for (let i = 1; i < words.length; i++) {
    const a = words.slice(0, i).join(" ");
    const b = words.slice(i).join(" ");
    if (a.length > width || b.length > width) continue;
    if (!best || Math.max(a.length, b.length) < Math.max(best[0]!.length, best[1]!.length)) best = [a, b];
  }
  return best;
}

/** Groups timed words (video time) into cues: break on pauses, sentence ends, 6 s or when text no longer fits. */
export function groupCues(words: WordTime[]): Cue[] {
  const cues: Cue[] = [];
  let cur: { start: number; end: number; words: string[] } | null = null;
  const flush = () => {
    if (cur?.words.length) {
      const text = cur.words.join(" ");
      // A single over-long word cannot be wrapped: keep it on its own line rather than drop it.
      cues.push({ start: cur.start, end: cur.end, lines: wrapCaption(text) ?? [text] });
    }
    cur = null;
  };
  for (const w of words) {
    const word = w.word.trim();
    if (!word) continue;
    if (cur) {
      const tooLong = w.end - cur.start > CAPTION_LIMITS.maxSeconds;
      const paused = w.start - cur.end > CAPTION_LIMITS.pauseSeconds;
      const fits = wrapCaption([...cur.words, word].join(" ")) !== null;
      if (tooLong || paused || !fits) flush();
    }
    cur ??= { start: w.start, end: w.end, words: [] };
    cur.words.push(word);
    cur.end = Math.max(cur.end, w.end);
    if (/[.!?]$/.test(word)) flush();
  }
  flush();
  return cues;
}

/**
 * Captions for a rendered timeline. Words are kept when their middle lies inside the entry's
 * window (a word cut in half by the trim is shown only if most of it is heard), moved to video
 * time, and cues never overlap the previous one (crossfades overlap neighbouring entries).
 */
export function buildCaptionCues(tl: Timeline, transcripts: { position: number; words: WordTime[] }[]): Cue[] {
  const layout = layoutTimeline(tl);
  const cues: Cue[] = [];
  tl.entries.forEach((e, k) => {
    const seg = layout.segments[k]!;
    const windowEnd = e.sourceStart + seg.frames / tl.fps;
    const words = transcripts
      .filter((t) => t.position === e.position)
      .flatMap((t) => t.words)
      .filter((w) => {
        const mid = (w.start + w.end) / 2;
        return mid >= e.sourceStart && mid < windowEnd;
      })
      .sort((a, b) => a.start - b.start)
      .map((w) => ({
        word: w.word,
        start: seg.start + Math.max(0, w.start - e.sourceStart),
        end: seg.start + Math.min(windowEnd, w.end) - e.sourceStart,
      }));
    for (const c of groupCues(words)) {
      const prev = cues.at(-1);
      const start = prev ? Math.max(c.start, prev.end) : c.start;
      if (c.end - start > 0.05) cues.push({ ...c, start });
    }
  });
  return cues;
}

/** SRT text for the cues (numbered from 1, blank line between cues). */
export function formatSrt(cues: Cue[]): string {
  return cues.map((c, i) => `${i + 1}\n${srtTime(c.start)} --> ${srtTime(c.end)}\n${c.lines.join("\n")}\n`).join("\n");
}

/** SRT captions for a timeline from per-entry transcript words (source times). */
export function buildSrt(tl: Timeline, transcripts: { position: number; words: WordTime[] }[]): string {
  return formatSrt(buildCaptionCues(tl, transcripts));
}
