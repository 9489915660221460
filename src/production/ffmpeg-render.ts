/**
 * ffmpeg argument builders for rendering (pure data, unit-tested as exact arrays): one segment
 * per timeline entry, the join with transitions, the two loudness passes, chapters.
 */
import type { Timeline, TimelineEntry } from "./types.ts";

export interface EncoderChoice {
  video: "libx264" | "h264_nvenc";
  preset: string;
}

const r3 = (x: number) => String(Math.round(x * 1000) / 1000);

/** Video filter for one entry: fit (letterbox) or, for 9:16, fill with a crop around the subject. */
export function segmentVideoFilter(e: TimelineEntry, tl: Pick<Timeline, "width" | "height" | "fps" | "aspect">): string {
  const { width: W, height: H, fps } = tl;
  const sar = e.source.sampleAspectRatio && e.source.sampleAspectRatio !== 1 ? `scale=iw*${r3(e.source.sampleAspectRatio)}:ih,` : "";
  let fit: string;
  if (tl.aspect === "9:16") {
    // Fill the tall frame and keep the subject in it: crop x centred on the focus, clamped to the picture.
    const fx = r3(e.focus?.x ?? 0.5);
    fit = `scale=${W}:${H}:force_original_aspect_ratio=increase,crop=${W}:${H}:'min(max(iw*${fx}-${W}/2,0),iw-${W})':'(ih-${H})/2'`;
  } else {
    fit = `scale=${W}:${H}:force_original_aspect_ratio=decrease,pad=${W}:${H}:(ow-iw)/2:(oh-ih)/2:color=black`;
  }
  // A "zoom" transition is a short punch-in: from 112% back to 100% over its first frames.
  const frames = Math.max(2, Math.round((e.transitionSeconds || 0.3) * fps));
  const zoom = e.transition === "zoom" && e.position > 0 ? `,zoompan=z='if(lt(on,${frames}),1.12-0.12*on/${frames},1)':x='iw/2-iw/zoom/2':y='ih/2-ih/zoom/2':d=1:s=${W}x${H}:fps=${fps}` : "";
  return `${sar}${fit},setsar=1,fps=${fps}${zoom},format=yuv420p`;
}

/** Arguments that render one entry to an intermediate H.264/AAC file of exactly its length. */
export function segmentArgs(ffmpegPath: string, e: TimelineEntry, tl: Timeline, out: string, enc: EncoderChoice): string[] {
  const len = r3(e.sourceEnd - e.sourceStart);
  // Output-side -ss decodes from the start of the file: slower than input seeking, but exact, and
  // some files (imageio's cockatoo) give corrupt frames when entered mid-GOP.
  const args = [ffmpegPath, "-hide_banner", "-nostdin", "-v", "error", "-y", "-i", e.filePath];
  if (!e.source.hasAudio) args.push("-f", "lavfi", "-i", `anullsrc=r=48000:cl=stereo`);
  args.push("-ss", r3(e.sourceStart), "-t", len);
  args.push("-filter_complex", `[0:v:0]${segmentVideoFilter(e, tl)}[v];[${e.source.hasAudio ? "0:a:0" : "1:a:0"}]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,volume=${e.audioLevel}[a]`);
  args.push("-map", "[v]", "-map", "[a]");
  if (enc.video === "h264_nvenc") args.push("-c:v", "h264_nvenc", "-preset", enc.preset, "-cq", "19", "-g", String(tl.fps));
  else args.push("-c:v", "libx264", "-preset", enc.preset, "-crf", "18", "-g", String(tl.fps));
  args.push("-c:a", "aac", "-b:a", "192k", "-ar", "48000", "-shortest", "-progress", "pipe:2", "-f", "mp4", out);
  return args;
}

/**
 * The join as a filter graph over the segments: "cut" → concat, "fade" → xfade/acrossfade of
 * the entry's transition length, starting where the editor placed the entry.
 */
export function joinFilter(tl: Timeline): string {
  const parts: string[] = [];
  let v = "[0:v]";
  let a = "[0:a]";
  tl.entries.forEach((e, k) => {
    if (k === 0) return;
    const nv = `[v${k}]`;
    const na = `[a${k}]`;
    if (e.transition === "fade" && e.transitionSeconds > 0) {
      parts.push(`${v}[${k}:v]xfade=transition=fade:duration=${r3(e.transitionSeconds)}:offset=${r3(e.start)}${nv}`);
      parts.push(`${a}[${k}:a]acrossfade=d=${r3(e.transitionSeconds)}${na}`);
    } else {
      parts.push(`${v}[${k}:v]concat=n=2:v=1:a=0${nv}`);
      parts.push(`${a}[${k}:a]concat=n=2:v=0:a=1${na}`);
    }
    v = nv;
    a = na;
  });
  return parts.length ? `${parts.join(";")};${v}null[vout];${a}anull[aout]` : "[0:v]null[vout];[0:a]anull[aout]";
}

/** Whether the timeline needs the filter-graph join (any crossfade) or a stream copy does. */
export function needsFilterJoin(tl: Timeline): boolean {
  return tl.entries.some((e, k) => k > 0 && e.transition === "fade" && e.transitionSeconds > 0);
}

/** FFMETADATA with one chapter per entry (millisecond time base). */
export function chaptersMetadata(tl: Timeline, title: string): string {
  const esc = (s: string) => s.replace(/([=;#\\\n])/g, "\\$1");
  const lines = [";FFMETADATA1", `title=${esc(title)}`];
  tl.entries.forEach((e, k) => {
    const end = k + 1 < tl.entries.length ? tl.entries[k + 1]!.start : tl.duration;
    lines.push("[CHAPTER]", "TIMEBASE=1/1000", `START=${Math.round(e.start * 1000)}`, `END=${Math.round(end * 1000)}`, `title=${esc(e.title)}`);
  });
  return `${lines.join("\n")}\n`;
}

/** loudnorm targets: −14 LUFS integrated (online platforms), −1.5 dBTP, LRA 11. */
export const LOUDNORM = "I=-14:TP=-1.5:LRA=11";

export function loudnessMeasureArgs(ffmpegPath: string, input: string): string[] {
  return [ffmpegPath, "-hide_banner", "-nostdin", "-v", "info", "-i", input, "-vn", "-af", `loudnorm=${LOUDNORM}:print_format=json`, "-f", "null", "-"];
}

export interface LoudnormMeasure {
  input_i: string;
  input_tp: string;
  input_lra: string;
  input_thresh: string;
  target_offset: string;
}

/** The JSON block loudnorm prints at the end of its stderr. */
export function parseLoudnorm(stderr: string): LoudnormMeasure | null {
  const start = stderr.lastIndexOf("{");
  const end = stderr.lastIndexOf("}");
  if (start < 0 || end < start) return null;
  try {
    return JSON.parse(stderr.slice(start, end + 1)) as LoudnormMeasure;
  } catch {
    return null;
  }
}

/** Final mux: video copied (or encoded when joining needs a filter graph), loudness applied, chapters, faststart. */
export function finalArgs(ffmpegPath: string, joined: string, metadata: string, m: LoudnormMeasure | null, out: string): string[] {
  const measured = m && Number.isFinite(Number(m.input_i)) ? `:measured_I=${m.input_i}:measured_TP=${m.input_tp}:measured_LRA=${m.input_lra}:measured_thresh=${m.input_thresh}:offset=${m.target_offset}:linear=true` : "";
  return [
    ffmpegPath, "-hide_banner", "-nostdin", "-v", "error", "-y", "-i", joined, "-i", metadata,
    "-map", "0:v:0", "-map", "0:a:0", "-map_metadata", "1", "-map_chapters", "1",
    "-c:v", "copy", "-af", `loudnorm=${LOUDNORM}${measured},aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo`, "-c:a", "aac", "-b:a", "192k",
    "-movflags", "+faststart", "-progress", "pipe:2", "-f", "mp4", out,
  ];
}
