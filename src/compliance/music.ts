/**
 * Copyrighted-music check: Chromaprint fingerprints (fpcalc from Debian's libchromaprint-tools)
 * of each clip's soundtrack, matched against a reference library of tracks the user provides
 * (REELSMITH_REFERENCE_TRACKS, a folder of audio or video files, fingerprinted once and kept in
 * reference_tracks). Chromaprint gives one 32-bit sub-fingerprint per ~0.124 s of audio; the
 * match slides the clip's sequence along each track and looks for a long run of items that
 * differ in only a few bits — robust to re-encoding, volume changes and mixing at a low level.
 */
import { readdir, stat } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { eq } from "drizzle-orm";
import type { AppContext } from "../app.ts";
import { sha256File } from "../media/hash.ts";

/** Seconds of audio per Chromaprint item (its default algorithm: 4096-sample frames, 1/3 overlap, 11025 Hz). */
export const ITEM_SECONDS = 4096 / 3 / 11025;
/**
 * Each item summarises a window of 16 frames (its classifiers span 16 chroma frames of 4096
 * samples), so item i speaks for the audio around i·ITEM_SECONDS + this: the window's middle.
 */
export const ITEM_CENTRE_SECONDS = (15 * (4096 / 3) + 4096) / 11025 / 2;

/** Item index → seconds in the audio. */
export const itemTime = (i: number) => Math.max(0, Math.round((i * ITEM_SECONDS + ITEM_CENTRE_SECONDS) * 100) / 100);
/** Bits (of 32) two items may differ in and still count as the same audio. */
export const MAX_ITEM_BITS = 10;
/** The shortest run that names a track: about 4 seconds. */
export const MIN_RUN_ITEMS = 32;
/** Within a run, this many items in a row may miss (a word spoken over the music, a cut). */
const MAX_GAP_ITEMS = 4;

const AUDIO_EXTENSIONS = new Set([".mp3", ".wav", ".flac", ".ogg", ".oga", ".m4a", ".aac", ".opus", ".mp4", ".mkv", ".webm", ".mov"]);

export interface MusicMatch {
  track: string;
  /** Where the track plays in the clip, seconds. */
  start: number;
  end: number;
  /** Where that part sits in the track, seconds. */
  trackStart: number;
  /** Share of the run's items that matched. */
  score: number;
}

/**
 * The Chromaprint items of a file's audio (empty when it has none). fpcalc prints its JSON and
 * then often exits non-zero over a decoder complaint at the very end of the stream ("Error
 * decoding audio frame (End of file)"), so its output decides, not its exit code.
 */
export async function fingerprintAudio(path: string, signal?: AbortSignal): Promise<number[]> {
  const proc = Bun.spawn(["fpcalc", "-raw", "-json", "-length", "0", path], { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const onAbort = () => proc.kill();
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    signal?.throwIfAborted();
    if (!out.trim()) {
      if (/audio stream/i.test(err)) return [];
      throw new Error(`fpcalc could not read ${basename(path)}: ${err.trim().split("\n").pop()}`);
    }
    return (JSON.parse(out) as { fingerprint?: number[] }).fingerprint ?? [];
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}

function popcount(x: number): number {
  let v = x >>> 0;
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** The best run of `clip` inside `track` over every alignment, or null when none is long enough. */
export function matchFingerprints(clip: number[], track: number[], minRun = MIN_RUN_ITEMS): { clipStart: number; clipEnd: number; trackStart: number; score: number } | null {
  let best: { clipStart: number; clipEnd: number; trackStart: number; score: number; len: number } | null = null;
  for (let offset = -(clip.length - minRun); offset <= track.length - minRun; offset++) {
    // Items i of the clip align with items i + offset of the track.
    const from = Math.max(0, -offset);
    const to = Math.min(clip.length, track.length - offset);
    let runStart = -1;
    let lastHit = -1;
    let hits = 0;
    const close = () => {
      if (runStart < 0) return;
      const len = lastHit - runStart + 1;
      if (len >= minRun && (!best || len > best.len)) best = { clipStart: runStart, clipEnd: lastHit + 1, trackStart: runStart + offset, score: hits / len, len };
      runStart = -1;
      hits = 0;
    };
    for (let i = from; i < to; i++) {
      if (popcount(clip[i]! ^ track[i + offset]!) <= MAX_ITEM_BITS) {
        if (runStart < 0) runStart = i;
        lastHit = i;
        hits++;
      } else if (runStart >= 0 && i - lastHit > MAX_GAP_ITEMS) close();
    }
    close();
  }
  if (!best) return null;
  const b = best as { clipStart: number; clipEnd: number; trackStart: number; score: number };
  return { clipStart: b.clipStart, clipEnd: b.clipEnd, trackStart: b.trackStart, score: b.score };
}

/** Fingerprints every audio or video file of `dir` not yet in the library (by content hash). */
export async function indexReferenceTracks(app: AppContext, dir: string): Promise<{ added: number; total: number }> {
  const t = app.database.tables.referenceTracks;
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => AUDIO_EXTENSIONS.has(extname(n).toLowerCase())).sort();
  let added = 0;
  for (const name of names) {
    const path = join(dir, name);
    if (!(await stat(path)).isFile()) continue;
    const fileHash = await sha256File(path);
    const [known] = await app.database.db.select({ id: t.id }).from(t).where(eq(t.fileHash, fileHash)).limit(1);
    if (known) continue;
    const fingerprint = await fingerprintAudio(path);
    if (!fingerprint.length) continue;
    await app.database.db
      .insert(t)
      .values({ filePath: path, fileHash, title: basename(name, extname(name)).replace(/[_-]+/g, " "), durationSeconds: fingerprint.length * ITEM_SECONDS, fingerprint })
      .onConflictDoNothing();
    added++;
  }
  const total = (await app.database.db.select({ id: t.id }).from(t)).length;
  return { added, total };
}

/** Every reference track the clip's soundtrack plays, with where. */
export async function findCopyrightedMusic(app: AppContext, clipFingerprint: number[]): Promise<MusicMatch[]> {
  if (clipFingerprint.length < MIN_RUN_ITEMS) return [];
  const t = app.database.tables.referenceTracks;
  const tracks = await app.database.db.select().from(t);
  const out: MusicMatch[] = [];
  for (const tr of tracks) {
    const m = matchFingerprints(clipFingerprint, tr.fingerprint);
    if (!m) continue;
    out.push({ track: tr.title, start: itemTime(m.clipStart), end: itemTime(m.clipEnd), trackStart: itemTime(m.trackStart), score: Math.round(m.score * 100) / 100 });
  }
  return out.sort((a, b) => b.end - b.start - (a.end - a.start));
}
