/**
 * Thumbnail variants: the seed's three picks, each rendered at the platform's size (1280×720, or
 * 1080×1920 for vertical productions) with the title over a dark band, sized and wrapped so every
 * line fits inside the frame with a margin. The frame is decoded from the start (output seek):
 * exact, and safe for files that break on fast seeks.
 */
import { writeFile } from "node:fs/promises";
import { runMedia } from "../media/exec.ts";

export const THUMBNAIL_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

export function thumbnailSize(aspect: string): { width: number; height: number } {
  return aspect === "9:16" ? { width: 1080, height: 1920 } : { width: 1280, height: 720 };
}

/** Title lines and a font size such that the longest line spans at most 90% of the width. */
export function layoutTitle(title: string, width: number, height: number): { lines: string[]; fontSize: number } {
  // DejaVu Sans Bold averages about 0.62 em per character.
  const em = 0.62;
  const maxSize = Math.round(height / (width > height ? 9 : 16));
  const words = title.trim().split(/\s+/).filter(Boolean);
  for (let size = maxSize; size >= 18; size -= 2) {
    const perLine = Math.floor((width * 0.9) / (size * em));
    const lines: string[] = [];
    for (const w of words) {
      const last = lines.at(-1);
      if (last !== undefined && `${last} ${w}`.length <= perLine) lines[lines.length - 1] = `${last} ${w}`;
      else lines.push(w.length > perLine ? `${w.slice(0, perLine - 1)}…` : w);
    }
    if (lines.length <= 3) return { lines, fontSize: size };
  }
  return { lines: [title.slice(0, 40)], fontSize: 18 };
}

/** Renders one variant; `title` null renders the bare frame (tests compare the two). */
export async function renderThumbnail(o: {
  ffmpegPath: string;
  clipPath: string;
  sourceTime: number;
  title: string | null;
  width: number;
  height: number;
  out: string;
  signal?: AbortSignal;
}): Promise<void> {
  const { width: w, height: h } = o;
  const filters = [`scale=${w}:${h}:force_original_aspect_ratio=increase`, `crop=${w}:${h}`];
  if (o.title) {
    const { lines, fontSize } = layoutTitle(o.title, w, h);
    const lineHeight = Math.round(fontSize * 1.45);
    const bottom = Math.round(h * 0.08);
    // One drawtext per line, each centred, over a dark band that keeps it readable on any picture.
    // The text goes through files (textfile=), so no title character needs filter escaping.
    for (const [i, line] of lines.entries()) {
      const file = `${o.out}.line${i + 1}.txt`;
      await writeFile(file, line);
      const y = h - bottom - (lines.length - i) * lineHeight;
      filters.push(`drawtext=fontfile=${THUMBNAIL_FONT}:textfile=${file}:fontsize=${fontSize}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=${Math.round(fontSize * 0.25)}:x=(w-text_w)/2:y=${y}`);
    }
  }
  await runMedia([o.ffmpegPath, "-hide_banner", "-nostdin", "-v", "error", "-y", "-i", o.clipPath, "-ss", String(o.sourceTime), "-frames:v", "1", "-vf", filters.join(","), "-q:v", "3", o.out], { signal: o.signal });
}
