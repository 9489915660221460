/**
 * What the recogniser hears: only the speech, cut out of the clip (padded, joined with short
 * pauses) so a clip that talks for 15 s and is silent for 25 s costs 15 s of recognition.
 * Word times are mapped back to the clip's clock.
 */
import type { TimeRange, WordTime } from "../types.ts";

export interface SpeechPiece {
  /** Where the piece sits in the clip. */
  srcStart: number;
  srcEnd: number;
  /** Where it starts in the joined audio. */
  dstStart: number;
}

/** Padding kept around each speech segment (Silero's own speech_pad default is 30 ms; words trail longer). */
export const SPEECH_PAD = 0.3;
/** Silence between joined pieces, so the recogniser ends the utterance cleanly. */
export const PIECE_GAP = 0.2;

/** Padded, merged speech pieces and their place in the joined audio. */
export function speechPieces(segments: TimeRange[], duration: number, pad = SPEECH_PAD, gap = PIECE_GAP): SpeechPiece[] {
  const merged: TimeRange[] = [];
  for (const s of [...segments].sort((a, b) => a.start - b.start)) {
    const r = { start: Math.max(0, s.start - pad), end: Math.min(duration, s.end + pad) };
    const last = merged.at(-1);
    if (last && r.start <= last.end + gap) last.end = Math.max(last.end, r.end);
    else merged.push(r);
  }
  let at = 0;
  return merged.map((r) => {
    const piece = { srcStart: r.start, srcEnd: r.end, dstStart: at };
    at += r.end - r.start + gap;
    return piece;
  });
}

/** Joins the pieces' samples with `gap` seconds of zeros between them. */
export function joinPieces(pcm: Float32Array, rate: number, pieces: SpeechPiece[], gap = PIECE_GAP): Float32Array {
  const last = pieces.at(-1);
  if (!last) return new Float32Array(0);
  const out = new Float32Array(Math.ceil((last.dstStart + last.srcEnd - last.srcStart + gap) * rate));
  for (const p of pieces) {
    // Rounded, not floored: 9.7 s × 100 is 969.999… in floating point.
    const a = Math.round(p.srcStart * rate);
    const b = Math.min(pcm.length, Math.round(p.srcEnd * rate));
    const at = Math.round(p.dstStart * rate);
    out.set(pcm.subarray(a, Math.min(b, a + out.length - at)), at);
  }
  return out;
}

/** Maps a time in the joined audio back to the clip (times in a gap snap to the piece's end). */
export function toClipTime(t: number, pieces: SpeechPiece[]): number {
  let piece = pieces[0];
  for (const p of pieces) if (p.dstStart <= t) piece = p;
  if (!piece) return t;
  return Math.min(piece.srcEnd, piece.srcStart + (t - piece.dstStart));
}

/** Word times from the joined audio to the clip's clock, rounded to 10 ms. */
export function wordsToClipTime(words: WordTime[], pieces: SpeechPiece[]): WordTime[] {
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return words.map((w) => ({ ...w, start: r2(toClipTime(w.start, pieces)), end: r2(toClipTime(w.end, pieces)) }));
}
