/**
 * Renders a timeline with ffmpeg: one intermediate segment per entry (reused when a render is
 * resumed), the join (stream copy for cuts, one filter graph when there are crossfades), then
 * the two-pass loudness normalisation to −14 LUFS with chapters and faststart. NVENC is used
 * when asked for and a one-frame test encode proves it works; otherwise libx264, with the reason.
 */
import { existsSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FfmpegError, runMedia } from "../media/exec.ts";
import { checkEncoders } from "../media/capabilities.ts";
import { probe } from "../media/probe.ts";
import { chaptersMetadata, finalArgs, joinFilter, loudnessMeasureArgs, needsFilterJoin, parseLoudnorm, segmentArgs, type EncoderChoice } from "./ffmpeg-render.ts";
import type { RenderOutput } from "./steps-types.ts";
import type { Timeline, TimelineEntry } from "./types.ts";

export interface RenderOptions {
  ffmpegPath?: string;
  ffprobePath?: string;
  encoder?: "auto" | "libx264" | "h264_nvenc";
  preset?: string;
  title?: string;
  signal?: AbortSignal;
  onProgress?: (percent: number, stage: string) => void;
}

/** A stable name for an entry's segment: same entry and settings → same file, so resumes reuse it. */
export function segmentName(e: TimelineEntry, tl: Timeline, enc: EncoderChoice): string {
  const key = JSON.stringify([e.filePath, e.sourceStart, e.sourceEnd, e.audioLevel, e.transition, e.transitionSeconds, e.focus, tl.width, tl.height, tl.fps, tl.aspect, enc]);
  return `seg_${String(e.position).padStart(3, "0")}_${new Bun.CryptoHasher("sha1").update(key).digest("hex").slice(0, 12)}.mp4`;
}

async function pickEncoder(opts: RenderOptions): Promise<{ enc: EncoderChoice; fallbackReason?: string }> {
  const software: EncoderChoice = { video: "libx264", preset: opts.preset ?? "veryfast" };
  if (opts.encoder === "libx264") return { enc: software };
  const [nvenc] = await checkEncoders(opts.ffmpegPath ?? "ffmpeg", ["h264_nvenc"]);
  if (nvenc?.usable) return { enc: { video: "h264_nvenc", preset: "p4" } };
  return { enc: software, fallbackReason: `h264_nvenc not usable (${nvenc?.reason ?? "not checked"}); encoded with libx264` };
}

/** Renders the timeline into `dir`/video.mp4; resumable (finished segments are kept and reused). */
export async function renderTimeline(tl: Timeline, dir: string, opts: RenderOptions = {}): Promise<RenderOutput> {
  const ff = opts.ffmpegPath ?? "ffmpeg";
  const segDir = join(dir, "segments");
  await mkdir(segDir, { recursive: true });
  let { enc, fallbackReason } = await pickEncoder(opts);
  const total = tl.entries.reduce((a, e) => a + (e.sourceEnd - e.sourceStart), 0) || 1;
  let done = 0;
  let reused = 0;
  const report = (p: number, stage: string) => opts.onProgress?.(Math.max(0, Math.min(100, p)), stage);
  const segments: string[] = [];
  for (const e of tl.entries) {
    const len = e.sourceEnd - e.sourceStart;
    let out = join(segDir, segmentName(e, tl, enc));
    if (existsSync(out)) reused++;
    else {
      const part = `${out}.part.mp4`;
      try {
        await runMedia(segmentArgs(ff, e, tl, part, enc), {
          signal: opts.signal,
          durationSeconds: len,
          onProgress: (p) => report(((done + (p.percent ?? 0) / 100 * len) / total) * 80, `segment ${e.position + 1}/${tl.entries.length}`),
          tempPaths: [],
        });
      } catch (err) {
        await rm(part, { force: true });
        if (enc.video !== "h264_nvenc" || opts.signal?.aborted) throw err;
        // Hardware encode failed on real input: fall back to software for the whole render.
        fallbackReason = `h264_nvenc failed on ${e.externalId}: ${err instanceof FfmpegError ? err.reason : (err as Error).message}; encoded with libx264`;
        enc = { video: "libx264", preset: opts.preset ?? "veryfast" };
        return renderTimeline(tl, dir, { ...opts, encoder: "libx264" }).then((r) => ({ ...r, fallbackReason }));
      }
      await rename(part, out);
    }
    segments.push(out);
    done += len;
    report((done / total) * 80, `segment ${e.position + 1}/${tl.entries.length}`);
  }

  const joined = join(dir, "joined.mp4");
  const list = join(dir, "segments.txt");
  if (needsFilterJoin(tl)) {
    const args = [ff, "-hide_banner", "-nostdin", "-v", "error", "-y", ...segments.flatMap((s) => ["-i", s]), "-filter_complex", joinFilter(tl), "-map", "[vout]", "-map", "[aout]"];
    args.push(...(enc.video === "h264_nvenc" ? ["-c:v", "h264_nvenc", "-preset", enc.preset, "-cq", "19"] : ["-c:v", "libx264", "-preset", enc.preset, "-crf", "18"]));
    args.push("-c:a", "aac", "-b:a", "192k", "-progress", "pipe:2", "-f", "mp4", joined);
    await runMedia(args, { signal: opts.signal, durationSeconds: tl.duration, onProgress: (p) => report(80 + (p.percent ?? 0) * 0.1, "joining with transitions") });
  } else {
    await writeFile(list, segments.map((s) => `file '${s.replace(/'/g, "'\\''")}'`).join("\n"));
    await runMedia([ff, "-hide_banner", "-nostdin", "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", list, "-c", "copy", "-f", "mp4", joined], { signal: opts.signal });
  }
  report(90, "measuring loudness");
  const measure = await runMedia(loudnessMeasureArgs(ff, joined), { signal: opts.signal, stderrLimit: 1 << 20 });
  const m = parseLoudnorm(measure.stderr);
  const meta = join(dir, "chapters.ffmeta");
  await writeFile(meta, chaptersMetadata(tl, opts.title ?? tl.productionId));
  const videoPath = join(dir, "video.mp4");
  const part = join(dir, "video.part.mp4");
  await runMedia(finalArgs(ff, joined, meta, m, part), {
    signal: opts.signal,
    durationSeconds: tl.duration,
    onProgress: (p) => report(90 + (p.percent ?? 0) * 0.1, "normalising loudness"),
    tempPaths: [joined, list],
  });
  await rename(part, videoPath);
  const p = await probe(videoPath, opts.ffprobePath ?? "ffprobe");
  report(100, "rendered");
  return {
    videoPath,
    durationSeconds: Math.round(p.durationSeconds * 1000) / 1000,
    encoder: enc.video,
    fallbackReason,
    segmentsReused: reused,
    loudness: m ? { input_i: Number(m.input_i) } : undefined,
  };
}
