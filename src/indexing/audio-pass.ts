/** The indexing step for audio: one decode, with the VAD and recogniser loaded once per run. */
import type { AppContext } from "../app.ts";
import { analyseAudio } from "../analysis/audio/index.ts";
import { createPocketsphinx, type Transcriber } from "../inference/transcribe.ts";
import { createVad, type Vad } from "../inference/vad.ts";
import type { ProbeResult } from "../media/probe.ts";
import type { AudioSummary } from "./types.ts";

export function createAudioPass(app: AppContext) {
  let vad: Promise<Vad | { absent: string }> | undefined;
  let transcriber: Transcriber | { absent: string } | undefined;
  return {
    async run(path: string, probe: ProbeResult, signal?: AbortSignal): Promise<AudioSummary> {
      vad ??= createVad().catch((err: Error) => ({ absent: `Silero VAD failed to load: ${err.message}` }));
      transcriber ??= createPocketsphinx();
      return analyseAudio(path, probe, { ffmpegPath: app.config.ffmpegPath, signal, vad: await vad, transcriber });
    },
    async dispose() {},
  };
}
