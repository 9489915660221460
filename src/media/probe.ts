import { stat } from "node:fs/promises";
import { z } from "zod";
import { FfmpegError, runMedia } from "./exec.ts";

/** What the pipeline needs to know about a media file, read once and passed down. */
export interface ProbeResult {
  path: string;
  durationSeconds: number;
  width: number;
  height: number;
  fps: number;
  videoCodec: string | null;
  audioCodec: string | null;
  hasVideo: boolean;
  hasAudio: boolean;
  bitRate: number | null;
  rotation: number;
  formatName: string;
  fileSizeBytes: number;
  /** Sample aspect ratio, e.g. 16/11 for non-square PAL; 1 when square. */
  sampleAspectRatio: number;
  audioSampleRate: number | null;
  audioChannels: number | null;
  /** Container and stream tags (lower-cased keys): licence, copyright, comment, title… */
  tags: Record<string, string>;
}

/** A file that cannot be probed: names the file and the reason. */
export class ProbeError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = "ProbeError";
  }
}

const streamSchema = z.looseObject({
  codec_type: z.string().optional(),
  codec_name: z.string().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  avg_frame_rate: z.string().optional(),
  r_frame_rate: z.string().optional(),
  duration: z.string().optional(),
  sample_aspect_ratio: z.string().optional(),
  sample_rate: z.string().optional(),
  channels: z.number().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  side_data_list: z.array(z.looseObject({ rotation: z.number().optional() })).optional(),
  disposition: z.looseObject({ attached_pic: z.number().optional() }).optional(),
});

const probeSchema = z.object({
  streams: z.array(streamSchema).default([]),
  format: z
    .looseObject({
      duration: z.string().optional(),
      bit_rate: z.string().optional(),
      format_name: z.string().optional(),
      tags: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
});

/** Parses "30000/1001" or "25" into a number; 0 for "0/0" or junk. */
export function parseRate(rate: string | undefined): number {
  if (!rate) return 0;
  const [n, d] = rate.split("/").map(Number);
  if (n === undefined || !Number.isFinite(n)) return 0;
  if (d === undefined) return n;
  return d > 0 && Number.isFinite(d) ? n / d : 0;
}

/** The exact ffprobe arguments used for a probe (checked in unit tests). */
export function probeArgs(ffprobePath: string, path: string): string[] {
  return [ffprobePath, "-v", "error", "-print_format", "json", "-show_format", "-show_streams", path];
}

/** Interprets ffprobe's JSON; throws ProbeError when the file holds no usable stream. */
export function interpretProbe(path: string, fileSizeBytes: number, json: unknown): ProbeResult {
  const parsed = probeSchema.safeParse(json);
  if (!parsed.success) throw new ProbeError(path, "ffprobe returned output that is not a media description");
  const { streams, format } = parsed.data;
  const video = streams.find((s) => s.codec_type === "video" && !s.disposition?.attached_pic);
  const audio = streams.find((s) => s.codec_type === "audio");
  if (!video && !audio) throw new ProbeError(path, "no audio or video stream found");
  const fmtDuration = Number.parseFloat(format?.duration ?? "");
  const streamDuration = Math.max(
    ...streams.map((s) => Number.parseFloat(s.duration ?? "")).filter((n) => Number.isFinite(n)),
    0,
  );
  const durationSeconds = Number.isFinite(fmtDuration) && fmtDuration > 0 ? fmtDuration : streamDuration;
  const rotationTag = Number.parseFloat(video?.tags?.rotate ?? "");
  const sideRotation = video?.side_data_list?.find((d) => d.rotation !== undefined)?.rotation;
  // ffprobe reports display-matrix rotation as counter-clockwise negative; normalise to 0..359 clockwise.
  const rawRotation = Number.isFinite(rotationTag) ? rotationTag : sideRotation !== undefined ? -sideRotation : 0;
  const rotation = ((Math.round(rawRotation) % 360) + 360) % 360;
  const sar = parseRate(video?.sample_aspect_ratio?.replace(":", "/"));
  const tags: Record<string, string> = {};
  for (const t of [format?.tags, video?.tags, audio?.tags]) {
    for (const [k, v] of Object.entries(t ?? {})) {
      const key = k.toLowerCase();
      if (!(key in tags)) tags[key] = v;
    }
  }
  const avg = parseRate(video?.avg_frame_rate);
  const bitRate = Number.parseInt(format?.bit_rate ?? "", 10);
  return {
    path,
    durationSeconds,
    width: video?.width ?? 0,
    height: video?.height ?? 0,
    fps: avg > 0 && avg < 1000 ? avg : parseRate(video?.r_frame_rate),
    videoCodec: video?.codec_name ?? null,
    audioCodec: audio?.codec_name ?? null,
    hasVideo: Boolean(video),
    hasAudio: Boolean(audio),
    bitRate: Number.isFinite(bitRate) ? bitRate : null,
    rotation,
    formatName: format?.format_name ?? "unknown",
    fileSizeBytes,
    sampleAspectRatio: sar > 0 ? sar : 1,
    audioSampleRate: audio?.sample_rate ? Number.parseInt(audio.sample_rate, 10) : null,
    audioChannels: audio?.channels ?? null,
    tags,
  };
}

/** Probes a media file; every failure is a ProbeError naming the file and the reason. */
export async function probe(path: string, ffprobePath = "ffprobe", signal?: AbortSignal): Promise<ProbeResult> {
  let size: number;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new ProbeError(path, "is a directory, not a media file");
    if (!st.isFile()) throw new ProbeError(path, "is not a regular file");
    size = st.size;
  } catch (err) {
    if (err instanceof ProbeError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ProbeError(path, code === "ENOENT" ? "file not found" : `cannot read file (${code ?? String(err)})`);
  }
  if (size === 0) throw new ProbeError(path, "file is empty (0 bytes)");
  let stdout: Uint8Array;
  try {
    ({ stdout } = await runMedia(probeArgs(ffprobePath, path), { signal }));
  } catch (err) {
    if (err instanceof FfmpegError) {
      const reason = err.reason.replace(`${path}: `, "");
      throw new ProbeError(path, `not a readable media file (${reason})`);
    }
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(stdout));
  } catch {
    throw new ProbeError(path, "ffprobe output could not be parsed");
  }
  return interpretProbe(path, size, json);
}
