/**
 * Encoder settings as data, and the choice between libx264 and NVENC (used only when asked for
 * and a one-frame test encode proves it works; otherwise libx264 with the reason kept).
 */
import { checkEncoders } from "../media/capabilities.ts";

export type EncoderRequest = "auto" | "libx264" | "h264_nvenc";

export interface VideoEncoder {
  codec: "libx264" | "h264_nvenc";
  preset: string;
  /** Constant-quality level: x264 CRF or NVENC CQ. */
  quality: number;
  /** Keyframe interval in frames. */
  gop: number;
}

/** The software default: CRF 20 is visually clean for web delivery; veryfast keeps renders near realtime on 2 cores. */
export function softwareEncoder(fps: number, opts: { preset?: string; proxy?: boolean } = {}): VideoEncoder {
  return { codec: "libx264", preset: opts.proxy ? "ultrafast" : (opts.preset ?? "veryfast"), quality: opts.proxy ? 28 : 20, gop: Math.max(1, Math.round(fps * 2)) };
}

/** NVENC equivalent: p4 is NVENC's balanced preset; CQ 21 lands near x264 CRF 20. */
export function nvencEncoder(fps: number, opts: { proxy?: boolean } = {}): VideoEncoder {
  return { codec: "h264_nvenc", preset: opts.proxy ? "p1" : "p4", quality: opts.proxy ? 30 : 21, gop: Math.max(1, Math.round(fps * 2)) };
}

/**
 * Output options for one video stream. `spec` is the output stream specifier ("v:0") when a file
 * carries several video streams with different settings, or "v" for a single one.
 */
export function videoCodecArgs(enc: VideoEncoder, spec = "v"): string[] {
  const common = [`-c:${spec}`, enc.codec, `-preset:${spec}`, enc.preset, `-g:${spec}`, String(enc.gop), `-pix_fmt:${spec}`, "yuv420p"];
  if (enc.codec === "libx264") return [...common, `-crf:${spec}`, String(enc.quality), `-profile:${spec}`, "high"];
  // NVENC: constant quality needs a zero target bitrate, else -cq is only a floor under a 2 Mb/s default.
  return [...common, `-rc:${spec}`, "vbr", `-cq:${spec}`, String(enc.quality), `-b:${spec}`, "0", `-profile:${spec}`, "high"];
}

export interface EncoderChoice {
  encoder: VideoEncoder;
  /** Why NVENC was not used although it was asked for (or "auto" could not find it). */
  fallbackReason?: string;
}

/** Picks the encoder for a render: libx264 unless NVENC is requested and a test encode succeeds. */
export async function chooseEncoder(ffmpegPath: string, request: EncoderRequest, fps: number, opts: { preset?: string; proxy?: boolean } = {}): Promise<EncoderChoice> {
  const software = softwareEncoder(fps, opts);
  if (request === "libx264") return { encoder: software };
  const [nvenc] = await checkEncoders(ffmpegPath, ["h264_nvenc"]);
  if (nvenc?.usable) return { encoder: nvencEncoder(fps, opts) };
  return { encoder: software, fallbackReason: `h264_nvenc not usable (${nvenc?.reason ?? "not checked"}); encoded with libx264` };
}
