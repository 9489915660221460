/**
 * Frame-exact layout of a timeline: how many frames each entry renders, which of them belong to
 * a crossfade with a neighbour or to a zoom, and where each entry starts in the finished video.
 * Everything is counted in whole output frames so video and audio (N/fps seconds) stay in sync.
 */
import type { Timeline, TimelineEntry } from "../production/types.ts";

/** Default length of a zoom transition when the editor left transitionSeconds at 0. */
const DEFAULT_ZOOM_SECONDS = 0.4;

export interface SegmentLayout {
  position: number;
  /** Frames this entry renders (its trimmed source length at the output fps). */
  frames: number;
  /** Leading frames that are crossfaded with the previous entry's tail (0 when not a fade). */
  headFrames: number;
  /** Trailing frames crossfaded with the next entry's head. */
  tailFrames: number;
  /** Leading frames that settle from a zoomed-in view (incoming half of a "zoom"). */
  zoomInFrames: number;
  /** Trailing frames that zoom in towards the cut (outgoing half of the next entry's "zoom"). */
  zoomOutFrames: number;
  /** Start in the finished video, seconds. */
  start: number;
  /** End in the finished video, seconds. */
  end: number;
}

export interface TimelineLayout {
  fps: number;
  segments: SegmentLayout[];
  /** Frames of the finished video. */
  totalFrames: number;
  durationSeconds: number;
}

/** Frames an entry renders: its trimmed length at the output fps, at least one. */
export function entryFrames(e: Pick<TimelineEntry, "sourceStart" | "sourceEnd">, fps: number): number {
  return Math.max(1, Math.round((e.sourceEnd - e.sourceStart) * fps));
}

/** Lays the timeline out in output frames (pure). */
export function layoutTimeline(tl: Pick<Timeline, "fps" | "entries">): TimelineLayout {
  const fps = tl.fps;
  const frames = tl.entries.map((e) => entryFrames(e, fps));
  // A crossfade can use at most half of either neighbour, so a clip's head and tail never overlap.
  const fade = tl.entries.map((e, k) => {
    if (k === 0 || e.transition !== "fade" || !(e.transitionSeconds > 0)) return 0;
    const limit = Math.floor(Math.min(frames[k - 1]!, frames[k]!) / 2);
    return Math.max(0, Math.min(limit, Math.round(e.transitionSeconds * fps)));
  });
  // A zoom is split evenly: the outgoing clip zooms in for half, the incoming one settles for half.
  const zoomHalf = tl.entries.map((e, k) => {
    if (k === 0 || e.transition !== "zoom") return 0;
    const seconds = e.transitionSeconds > 0 ? e.transitionSeconds : DEFAULT_ZOOM_SECONDS;
    const limit = Math.floor(Math.min(frames[k - 1]!, frames[k]!) / 2);
    return Math.max(0, Math.min(limit, Math.round((seconds * fps) / 2)));
  });
  let cursor = 0;
  const segments = tl.entries.map((e, k): SegmentLayout => {
    const startFrame = cursor - fade[k]!;
    cursor = startFrame + frames[k]!;
    return {
      position: e.position,
      frames: frames[k]!,
      headFrames: fade[k]!,
      tailFrames: fade[k + 1] ?? 0,
      zoomInFrames: zoomHalf[k]!,
      zoomOutFrames: zoomHalf[k + 1] ?? 0,
      start: startFrame / fps,
      end: cursor / fps,
    };
  });
  return { fps, segments, totalFrames: cursor, durationSeconds: cursor / fps };
}
