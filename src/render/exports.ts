/**
 * Files that travel with the video, built from the timeline alone (pure): OpenTimelineIO JSON and
 * a CMX3600 EDL that editing tools open, SRT captions and FFMETADATA chapters. Times come from
 * the same frame-exact layout the renderer uses, so they match the rendered file.
 */
import { basename } from "node:path";
import { pathToFileURL } from "node:url";
import type { Timeline } from "../production/types.ts";
import { chaptersFfmetadata } from "./chapters.ts";
import { layoutTimeline, type TimelineLayout } from "./layout.ts";

export { buildSrt, buildCaptionCues, formatSrt, srtTime } from "./captions.ts";

/** FFMETADATA chapters text for a timeline (one chapter per entry). */
export function buildChapters(tl: Timeline, title: string = tl.productionId): string {
  return chaptersFfmetadata(title, tl.entries, layoutTimeline(tl));
}

/**
 * Where each entry is seen on its own in an editor's terms: a crossfade is split at its middle
 * (OTIO transitions and EDL dissolves straddle the cut and reach into handles), so clip k shows
 * from `cutIn` frames into its rendered frames for `frames` frames.
 */
export function editorialCuts(layout: TimelineLayout): { cutIn: number; frames: number; recordIn: number }[] {
  let record = 0;
  return layout.segments.map((s) => {
    // The cut sits floor(F/2) frames into an F-frame blend: the incoming clip is seen from that
    // frame of its own, the outgoing one loses the F − floor(F/2) frames after the cut.
    const cutIn = Math.floor(s.headFrames / 2);
    const frames = s.frames - cutIn - (s.tailFrames - Math.floor(s.tailFrames / 2));
    const out = { cutIn, frames, recordIn: record };
    record += frames;
    return out;
  });
}

const rt = (value: number, rate: number) => ({ OTIO_SCHEMA: "RationalTime.1", rate, value });
const tr = (start: number, duration: number, rate: number) => ({ OTIO_SCHEMA: "TimeRange.1", start_time: rt(start, rate), duration: rt(duration, rate) });

/** OpenTimelineIO: Timeline.1 → Stack.1 → one video Track.1 of Clip.2 items, Transition.1 for crossfades. */
export function buildOtio(tl: Timeline, name: string = tl.productionId): Record<string, unknown> {
  const layout = layoutTimeline(tl);
  const cuts = editorialCuts(layout);
  const rate = tl.fps;
  const children: Record<string, unknown>[] = [];
  tl.entries.forEach((e, k) => {
    const s = layout.segments[k]!;
    if (k > 0 && s.headFrames > 0) {
      const before = Math.floor(s.headFrames / 2);
      children.push({
        OTIO_SCHEMA: "Transition.1",
        name: `Dissolve ${k}`,
        metadata: {},
        transition_type: "SMPTE_Dissolve",
        in_offset: rt(before, rate),
        out_offset: rt(s.headFrames - before, rate),
      });
    }
    const c = cuts[k]!;
    const srcStart = Math.round(e.sourceStart * rate) + c.cutIn;
    children.push({
      OTIO_SCHEMA: "Clip.2",
      name: e.title,
      source_range: tr(srcStart, c.frames, rate),
      effects: [],
      markers: [],
      enabled: true,
      metadata: { reelsmith: { position: e.position, clipId: e.clipId, externalId: e.externalId, transition: e.transition, section: e.section, reason: e.reason, audioLevel: e.audioLevel } },
      media_references: {
        DEFAULT_MEDIA: {
          OTIO_SCHEMA: "ExternalReference.1",
          name: basename(e.filePath),
          target_url: pathToFileURL(e.filePath).href,
          available_range: e.source.durationSeconds > 0 ? tr(0, Math.round(e.source.durationSeconds * rate), rate) : null,
          available_image_bounds: null,
          metadata: {},
        },
      },
      active_media_reference_key: "DEFAULT_MEDIA",
    });
  });
  const track = { OTIO_SCHEMA: "Track.1", name: "V1", kind: "Video", source_range: null, effects: [], markers: [], enabled: true, metadata: {}, children };
  return {
    OTIO_SCHEMA: "Timeline.1",
    name,
    metadata: { reelsmith: { productionId: tl.productionId, style: tl.style, aspect: tl.aspect, width: tl.width, height: tl.height } },
    global_start_time: rt(0, rate),
    tracks: { OTIO_SCHEMA: "Stack.1", name: "tracks", source_range: null, effects: [], markers: [], enabled: true, metadata: {}, children: [track] },
  };
}

/** HH:MM:SS:FF at an integer timecode base (non-drop frame). */
export function timecode(frames: number, fps: number): string {
  const base = Math.round(fps);
  const f = Math.max(0, Math.round(frames));
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(Math.floor(f / (base * 3600)))}:${p(Math.floor(f / (base * 60)) % 60)}:${p(Math.floor(f / base) % 60)}:${p(f % base)}`;
}

/** Reel names: the file name in upper-case letters and digits, at most 8 characters (CMX3600), unique per file. */
export function reelNames(paths: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const p of paths) {
    if (out.has(p)) continue;
    const stem = basename(p).replace(/\.[^.]+$/, "").toUpperCase().replace(/[^A-Z0-9]/g, "") || "AX";
    let reel = stem.slice(0, 8);
    for (let i = 1; used.has(reel); i++) reel = `${stem.slice(0, 8 - String(i).length - 1)}_${i}`;
    used.add(reel);
    out.set(p, reel);
  }
  return out;
}

/** CMX3600 EDL: one event per entry, dissolves as a zero-length cut plus a `D` event of the fade's frames. */
export function buildEdl(tl: Timeline, title: string = tl.productionId): string {
  const layout = layoutTimeline(tl);
  const fps = tl.fps;
  const reels = reelNames(tl.entries.map((e) => e.filePath));
  const lines = [`TITLE: ${title.toUpperCase().slice(0, 70)}`, "FCM: NON-DROP FRAME", ""];
  const tc = (f: number) => timecode(f, fps);
  const row = (n: number, reel: string, type: string, dur: string, si: number, so: number, ri: number, ro: number) =>
    `${String(n).padStart(3, "0")}  ${reel.padEnd(8)} AA/V  ${type.padEnd(4)} ${dur.padStart(3)} ${tc(si)} ${tc(so)} ${tc(ri)} ${tc(ro)}`;
  let event = 0;
  // EDL events run from where each entry starts (a dissolve starts at the incoming clip's first frame).
  const recIn = layout.segments.map((s) => Math.round(s.start * fps));
  tl.entries.forEach((e, k) => {
    const s = layout.segments[k]!;
    const srcIn = Math.round(e.sourceStart * fps);
    const recOut = k + 1 < tl.entries.length ? recIn[k + 1]! : layout.totalFrames;
    const srcOut = srcIn + (recOut - recIn[k]!);
    event++;
    if (k > 0 && s.headFrames > 0) {
      const prev = tl.entries[k - 1]!;
      const prevOut = Math.round(prev.sourceStart * fps) + (recIn[k]! - recIn[k - 1]!);
      lines.push(row(event, reels.get(prev.filePath)!, "C", "", prevOut, prevOut, recIn[k]!, recIn[k]!));
      lines.push(row(event, reels.get(e.filePath)!, "D", String(s.headFrames).padStart(3, "0"), srcIn, srcOut, recIn[k]!, recOut));
      lines.push(`* FROM CLIP NAME: ${basename(prev.filePath)}`, `* TO CLIP NAME: ${basename(e.filePath)}`);
    } else {
      lines.push(row(event, reels.get(e.filePath)!, "C", "", srcIn, srcOut, recIn[k]!, recOut));
      lines.push(`* FROM CLIP NAME: ${basename(e.filePath)}`);
    }
    if (k > 0 && e.transition === "zoom") lines.push("* EFFECT: ZOOM-IN TRANSITION RENDERED INTO THE CUT");
    lines.push(`* COMMENT: ${e.title.replace(/\s+/g, " ")}`, "");
  });
  return lines.join("\n");
}
