/**
 * Measurements QA takes on a rendered file: EBU R128 loudness (ebur128), black stretches
 * (blackdetect) and frozen stretches (freezedetect). Parsers are pure and run on stderr text.
 */
import { runMedia } from "../media/exec.ts";
import { probe } from "../media/probe.ts";

export interface LoudnessReport {
  /** Integrated loudness, LUFS. */
  integrated: number;
  /** Loudness range, LU. */
  lra: number;
  /** True peak, dBTP (dBFS in ffmpeg's wording); null when not measured. */
  truePeak: number | null;
}

export interface Interval {
  start: number;
  end: number;
  duration: number;
}

const num = (s: string | undefined) => (s === undefined ? Number.NaN : Number.parseFloat(s));

/** Parses ebur128's closing "Summary:" block; null when it is missing. */
export function parseEbur128Summary(stderr: string): LoudnessReport | null {
  const at = stderr.lastIndexOf("Summary:");
  if (at < 0) return null;
  const s = stderr.slice(at);
  const integrated = num(s.match(/Integrated loudness:\s*\n\s*I:\s*(-?[\d.]+|-inf)\s*LUFS/)?.[1]?.replace("-inf", "-Infinity"));
  const lra = num(s.match(/Loudness range:\s*\n\s*LRA:\s*(-?[\d.]+)\s*LU/)?.[1]);
  const peak = s.match(/True peak:\s*\n\s*Peak:\s*(-?[\d.]+|-inf)\s*dBFS/)?.[1];
  if (Number.isNaN(integrated) || Number.isNaN(lra)) return null;
  return { integrated, lra, truePeak: peak === undefined ? null : peak === "-inf" ? -Infinity : num(peak) };
}

/** Parses blackdetect lines (`black_start:0 black_end:1 black_duration:1`). */
export function parseBlackdetect(stderr: string): Interval[] {
  const out: Interval[] = [];
  for (const m of stderr.matchAll(/black_start:\s*(-?[\d.]+)\s+black_end:\s*(-?[\d.]+)\s+black_duration:\s*(-?[\d.]+)/g)) {
    out.push({ start: num(m[1]), end: num(m[2]), duration: num(m[3]) });
  }
  return out;
}

/**
 * Parses freezedetect's metadata lines. A freeze still running at the end of the file has a
 * start but no end (ffmpeg 5.1 does not close it): it is closed at `durationSeconds`.
 */
export function parseFreezedetect(stderr: string, durationSeconds: number): Interval[] {
  const out: Interval[] = [];
  let open: number | null = null;
  for (const m of stderr.matchAll(/lavfi\.freezedetect\.freeze_(start|end):\s*(-?[\d.]+)/g)) {
    const t = num(m[2]);
    if (m[1] === "start") open = t;
    else if (open !== null) {
      out.push({ start: open, end: t, duration: Math.round((t - open) * 1e6) / 1e6 });
      open = null;
    }
  }
  if (open !== null && durationSeconds > open) out.push({ start: open, end: durationSeconds, duration: Math.round((durationSeconds - open) * 1e6) / 1e6 });
  return out;
}

/** Arguments for the loudness measurement: ebur128 with true peak over the first audio stream. */
export function loudnessArgs(ffmpegPath: string, path: string): string[] {
  return [ffmpegPath, "-hide_banner", "-nostdin", "-nostats", "-v", "info", "-i", path, "-map", "0:a:0", "-af", "ebur128=peak=true", "-f", "null", "-"];
}

/**
 * Arguments for black detection. 0.1 pixel threshold and picture ratio 0.98 are ffmpeg's
 * defaults; minDuration (seconds) sets the shortest stretch worth reporting.
 */
export function blackArgs(ffmpegPath: string, path: string, minDuration: number): string[] {
  return [ffmpegPath, "-hide_banner", "-nostdin", "-nostats", "-v", "info", "-i", path, "-map", "0:v:0", "-vf", `blackdetect=d=${minDuration}:pic_th=0.98:pix_th=0.1`, "-f", "null", "-"];
}

/**
 * Arguments for freeze detection. Noise −60 dB (0.001) is ffmpeg's default: encoder noise on a
 * truly still picture stays below it, while slow real motion rises above it.
 */
export function freezeArgs(ffmpegPath: string, path: string, minDuration: number): string[] {
  return [ffmpegPath, "-hide_banner", "-nostdin", "-nostats", "-v", "info", "-i", path, "-map", "0:v:0", "-vf", `freezedetect=n=0.001:d=${minDuration}`, "-f", "null", "-"];
}

/** Integrated loudness, loudness range and true peak of a file's audio. */
export async function measureLoudness(path: string, o: { ffmpegPath?: string; signal?: AbortSignal } = {}): Promise<LoudnessReport> {
  const { stderr } = await runMedia(loudnessArgs(o.ffmpegPath ?? "ffmpeg", path), { signal: o.signal, stderrLimit: 16 * 1024 });
  const r = parseEbur128Summary(stderr);
  if (!r) throw new Error(`ebur128 printed no summary for ${path}`, { cause: stderr.slice(-2000) });
  return r;
}

/** Black stretches of at least `minDuration` seconds (default 0.5). */
export async function detectBlack(path: string, o: { ffmpegPath?: string; minDuration?: number; signal?: AbortSignal } = {}): Promise<Interval[]> {
  const { stderr } = await runMedia(blackArgs(o.ffmpegPath ?? "ffmpeg", path, o.minDuration ?? 0.5), { signal: o.signal, stderrLimit: 1 << 20 });
  return parseBlackdetect(stderr);
}

/** Frozen stretches of at least `minDuration` seconds (default 1). */
export async function detectFreeze(path: string, o: { ffmpegPath?: string; ffprobePath?: string; minDuration?: number; signal?: AbortSignal } = {}): Promise<Interval[]> {
  const { stderr } = await runMedia(freezeArgs(o.ffmpegPath ?? "ffmpeg", path, o.minDuration ?? 1), { signal: o.signal, stderrLimit: 1 << 20 });
  const needsEnd = /freeze_start/.test(stderr);
  const duration = needsEnd ? (await probe(path, o.ffprobePath ?? "ffprobe", o.signal)).durationSeconds : 0;
  return parseFreezedetect(stderr, duration);
}
