import { FfmpegError, runMedia } from "./exec.ts";

export interface EncoderSupport {
  name: string;
  /** Listed by `ffmpeg -encoders` (compiled in). */
  listed: boolean;
  /** A real one-frame encode succeeded (hardware present and driver working). */
  usable: boolean;
  reason?: string;
}

/** The first line of `<tool> -version`, e.g. "ffmpeg version 5.1.9-0+deb12u1 …". */
export async function toolVersion(path: string): Promise<{ ok: true; version: string } | { ok: false; reason: string }> {
  try {
    const { stdout } = await runMedia([path, "-hide_banner", "-version"]);
    const first = new TextDecoder().decode(stdout).split("\n")[0] ?? "";
    const m = first.match(/version\s+(\S+)/);
    return { ok: true, version: m?.[1] ?? first };
  } catch (err) {
    return { ok: false, reason: (err as Error).message.split("\n")[0]! };
  }
}

/** Names of the video encoders compiled into ffmpeg. */
export async function listEncoders(ffmpegPath: string): Promise<Set<string>> {
  const { stdout } = await runMedia([ffmpegPath, "-hide_banner", "-encoders"]);
  const names = new Set<string>();
  for (const line of new TextDecoder().decode(stdout).split("\n")) {
    const m = line.match(/^\s*([VAS][.A-Z]{5})\s+(\S+)/);
    if (m) names.add(m[2]!);
  }
  return names;
}

/** Arguments for a tiny test encode: proves an encoder works on this machine, not just that it is listed. */
export function testEncodeArgs(ffmpegPath: string, encoder: string): string[] {
  // 256x256: NVENC refuses frames below its minimum size (about 145x49 on most GPUs).
  return [ffmpegPath, "-hide_banner", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "color=c=black:s=256x256:r=25:d=0.2", "-frames:v", "3", "-c:v", encoder, "-f", "null", "-"];
}

/** Checks which of the given encoders are listed and actually usable. */
export async function checkEncoders(ffmpegPath: string, wanted: string[]): Promise<EncoderSupport[]> {
  const listed = await listEncoders(ffmpegPath);
  const out: EncoderSupport[] = [];
  for (const name of wanted) {
    if (!listed.has(name)) {
      out.push({ name, listed: false, usable: false, reason: "not compiled into this ffmpeg" });
      continue;
    }
    try {
      await runMedia(testEncodeArgs(ffmpegPath, name));
      out.push({ name, listed: true, usable: true });
    } catch (err) {
      const reason = err instanceof FfmpegError ? err.reason : (err as Error).message;
      out.push({ name, listed: true, usable: false, reason });
    }
  }
  return out;
}
