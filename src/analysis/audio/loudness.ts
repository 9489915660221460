/**
 * Pure parsers for what ebur128 and silencedetect print on stderr (ffmpeg 5.1 formats; the
 * captured text in loudness.test.ts is real output of the corpus clips).
 */
import type { TimeRange } from "../types.ts";

/** EBU R128 measurements and silences of one clip. */
export interface LoudnessReport {
  integrated: number | null;
  range: number | null;
  truePeak: number | null;
  /** Short-term loudness (3 s window) every 0.25 s. */
  shortTerm: { time: number; lufs: number }[];
  silences: TimeRange[];
}

/** Parses ebur128's per-frame lines and summary, and silencedetect's lines, from stderr. */
export function parseLoudness(stderr: string, duration: number): LoudnessReport {
  const shortTerm: { time: number; lufs: number }[] = [];
  let nextT = 0;
  // S is −120.7 before the first 3 s window fills and "nan" over digital silence (ffmpeg 5.1):
  // both mean "nothing to hear" and are floored at −70 LUFS, ebur128's own absolute gate.
  for (const m of stderr.matchAll(/t:\s*([\d.]+)\s+TARGET:\S+\s+LUFS\s+M:\s*(-?[\d.]+|-inf|nan)\s+S:\s*(-?[\d.]+|-inf|nan)/g)) {
    const t = Number(m[1]);
    if (t + 1e-6 < nextT) continue;
    const st = Number(m[3]);
    const s = Number.isFinite(st) ? Math.max(-70, st) : -70;
    shortTerm.push({ time: Math.round(t * 100) / 100, lufs: Math.round(s * 10) / 10 });
    nextT = t + 0.25;
  }
  const summary = stderr.slice(stderr.lastIndexOf("Summary:"));
  const num = (re: RegExp) => {
    const m = summary.match(re);
    if (!m) return null;
    const v = Number(m[1]);
    return Number.isFinite(v) ? v : null;
  };
  const silences: TimeRange[] = [];
  let open: number | null = null;
  for (const m of stderr.matchAll(/silence_(start|end):\s*(-?[\d.]+)/g)) {
    if (m[1] === "start") open = Math.max(0, Number(m[2]));
    else if (open !== null) {
      silences.push({ start: open, end: Number(m[2]) });
      open = null;
    }
  }
  if (open !== null) silences.push({ start: open, end: duration });
  const integrated = summary.includes("Summary:") ? num(/I:\s*(-?[\d.]+|-inf)\s*LUFS/) : null;
  return {
    integrated: integrated === null || integrated <= -70 ? (summary.includes("Summary:") ? -70 : null) : integrated,
    range: num(/LRA:\s*([\d.]+)\s*LU/),
    truePeak: num(/Peak:\s*(-?[\d.]+|-inf)\s*dBFS/),
    shortTerm,
    silences: silences.map((s) => ({ start: Math.round(s.start * 1000) / 1000, end: Math.round(s.end * 1000) / 1000 })),
  };
}

