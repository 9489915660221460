/** FFMETADATA chapters: one chapter per timeline entry, with its title. */
import type { TimelineLayout } from "./layout.ts";

/** Escapes FFMETADATA specials ('=', ';', '#', '\' and newlines) with a backslash, as ffmpeg's format doc says. */
export function escapeFfmetadata(s: string): string {
  return s.replace(/[=;#\\\n]/g, (c) => `\\${c}`);
}

/**
 * FFMETADATA text with a title and one chapter per entry (millisecond time base). With a crossfade
 * the chapter changes in the middle of the blend, where a viewer sees the new clip take over.
 */
export function chaptersFfmetadata(title: string, entries: { title: string }[], layout: TimelineLayout): string {
  const segs = layout.segments;
  const bounds = segs.map((s, k) => (k === 0 ? 0 : s.start + s.headFrames / layout.fps / 2));
  const lines = [";FFMETADATA1", `title=${escapeFfmetadata(title)}`];
  segs.forEach((_, k) => {
    const start = Math.round(bounds[k]! * 1000);
    const end = Math.round((k + 1 < segs.length ? bounds[k + 1]! : layout.durationSeconds) * 1000);
    lines.push("", "[CHAPTER]", "TIMEBASE=1/1000", `START=${start}`, `END=${end}`, `title=${escapeFfmetadata(entries[k]?.title ?? `Clip ${k + 1}`)}`);
  });
  return `${lines.join("\n")}\n`;
}
