/**
 * Files that travel with the video: SRT captions from the transcripts, an OpenTimelineIO JSON
 * and a CMX3600 EDL that editors can open, all built from the timeline alone (pure functions).
 */
import type { WordJson } from "../db/json-types.ts";
import type { Timeline } from "./types.ts";

const pad = (n: number, w = 2) => String(Math.floor(n)).padStart(w, "0");

/** 00:00:01,500 */
export function srtTime(s: number): string {
  const ms = Math.round(s * 1000);
  return `${pad(ms / 3_600_000)}:${pad((ms / 60_000) % 60)}:${pad((ms / 1000) % 60)},${pad(ms % 1000, 3)}`;
}

/**
 * Captions: each entry's words that fall inside its trimmed window, moved to video time and
 * grouped into cues of at most 42 characters a line, 2 lines, 6 seconds.
 */
export function buildSrt(tl: Timeline, wordsByClip: Map<string, WordJson[]>): string {
  const cues: { start: number; end: number; text: string }[] = [];
  for (const e of tl.entries) {
    const words = (wordsByClip.get(e.clipId) ?? []).filter((w) => w.start >= e.sourceStart && w.end <= e.sourceEnd);
    let cur: { start: number; end: number; words: string[] } | null = null;
    const flush = () => {
      if (cur?.words.length) cues.push({ start: cur.start, end: cur.end, text: wrap(cur.words.join(" ")) });
      cur = null;
    };
    for (const w of words) {
      const start = e.start + (w.start - e.sourceStart);
      const end = e.start + (w.end - e.sourceStart);
      if (cur && (end - cur.start > 6 || [...cur.words, w.word].join(" ").length > 84)) flush();
      cur ??= { start, end, words: [] };
      cur.words.push(w.word);
      cur.end = end;
    }
    flush();
  }
  return cues.map((c, i) => `${i + 1}\n${srtTime(c.start)} --> ${srtTime(c.end)}\n${c.text}\n`).join("\n");
}

function wrap(text: string): string {
  if (text.length <= 42) return text;
  const words = text.split(" ");
  let line = "";
  const lines: string[] = [];
  for (const w of words) {
    if ((line ? `${line} ${w}` : w).length > 42 && line) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  lines.push(line);
  return lines.slice(0, 2).join("\n");
}

const rt = (seconds: number, rate: number) => ({ OTIO_SCHEMA: "RationalTime.1", rate, value: Math.round(seconds * rate) });
const range = (start: number, dur: number, rate: number) => ({ OTIO_SCHEMA: "TimeRange.1", start_time: rt(start, rate), duration: rt(dur, rate) });

/** OpenTimelineIO: Timeline.1 → Stack.1 → one video Track.1 of Clip.2 items and Transition.1 for fades. */
export function buildOtio(tl: Timeline, title: string): Record<string, unknown> {
  const rate = tl.fps;
  const children: Record<string, unknown>[] = [];
  tl.entries.forEach((e, k) => {
    if (k > 0 && e.transition === "fade" && e.transitionSeconds > 0) {
      const half = e.transitionSeconds / 2;
      children.push({ OTIO_SCHEMA: "Transition.1", name: `fade ${k}`, transition_type: "SMPTE_Dissolve", in_offset: rt(half, rate), out_offset: rt(half, rate), metadata: {} });
    }
    children.push({
      OTIO_SCHEMA: "Clip.2",
      name: e.title,
      source_range: range(e.sourceStart, e.sourceEnd - e.sourceStart, rate),
      media_references: { DEFAULT_MEDIA: { OTIO_SCHEMA: "ExternalReference.1", target_url: `file://${e.filePath}`, available_range: range(0, e.source.durationSeconds, rate), metadata: {} } },
      active_media_reference_key: "DEFAULT_MEDIA",
      metadata: { reelsmith: { clip_id: e.clipId, external_id: e.externalId, reason: e.reason, section: e.section, audio_level: e.audioLevel, transition: e.transition } },
      effects: [],
      markers: [],
      enabled: true,
    });
  });
  return {
    OTIO_SCHEMA: "Timeline.1",
    name: title,
    global_start_time: rt(0, rate),
    metadata: { reelsmith: { production_id: tl.productionId, style: tl.style, aspect: tl.aspect, width: tl.width, height: tl.height } },
    tracks: { OTIO_SCHEMA: "Stack.1", name: "tracks", children: [{ OTIO_SCHEMA: "Track.1", name: "V1", kind: "Video", children, metadata: {}, effects: [], markers: [], enabled: true }], metadata: {}, effects: [], markers: [], enabled: true },
  };
}

/** HH:MM:SS:FF at an integer frame rate (non-drop). */
export function timecode(seconds: number, fps: number): string {
  const f = Math.round(seconds * fps);
  const fr = Math.round(fps);
  return `${pad(f / (3600 * fr))}:${pad((f / (60 * fr)) % 60)}:${pad((f / fr) % 60)}:${pad(f % fr)}`;
}

/** CMX3600 EDL: one event per entry; fades as dissolves (D) of their length in frames. */
export function buildEdl(tl: Timeline, title: string): string {
  const fps = tl.fps;
  const lines = [`TITLE: ${title.toUpperCase().slice(0, 60)}`, "FCM: NON-DROP FRAME", ""];
  tl.entries.forEach((e, k) => {
    const reel = e.externalId.replace(/[^A-Z0-9]/gi, "").toUpperCase().slice(-8).padEnd(8, " ");
    const dissolve = k > 0 && e.transition === "fade" && e.transitionSeconds > 0;
    const kind = dissolve ? `D    ${String(Math.round(e.transitionSeconds * fps)).padStart(3, "0")}` : "C       ";
    const len = e.sourceEnd - e.sourceStart;
    lines.push(`${String(k + 1).padStart(3, "0")}  ${reel} V     ${kind} ${timecode(e.sourceStart, fps)} ${timecode(e.sourceEnd, fps)} ${timecode(e.start, fps)} ${timecode(e.start + len, fps)}`);
    lines.push(`* FROM CLIP NAME: ${e.filePath.split("/").pop()}`, "");
  });
  return lines.join("\n");
}
