/**
 * The side effects of the indexing statechart, as named actors (STYLE.md: machines declare,
 * actors act). Model sessions are created once per run and shared by every clip.
 */
import { fromPromise } from "xstate";
import type { AppContext } from "../app.ts";
import { analyseLocally } from "../analysis/score.ts";
import { analyseWithLlm } from "../llm/analysis.ts";
import { indexReferenceTracks } from "../compliance/music.ts";
import { createLlm } from "../llm/index.ts";
import type { IndexClipContext } from "../machines/index-clip.ts";
import { sha256File } from "../media/hash.ts";
import { probe, type ProbeResult } from "../media/probe.ts";
import { createAudioPass } from "./audio-pass.ts";
import type { IndexSteps } from "./service.ts";
import { storeClip } from "./store.ts";
import type { AudioSummary, ClipAnalysis, IndexInput, StoreResult, VisualSummary } from "./types.ts";
import { createVisualPass } from "./visual-pass.ts";

export interface IndexStepsHandle {
  actors: IndexSteps;
  dispose(): Promise<void>;
}

type PassInput = { input: IndexInput; probe: ProbeResult; fileHash: string };

/** Builds the real steps: ffprobe, SHA-256, the visual and audio passes, local analysis, store. */
export async function createIndexSteps(app: AppContext): Promise<IndexStepsHandle> {
  const llm = createLlm(app);
  // The reference music is fingerprinted once (new files only) before any clip is checked against it.
  const refs = app.config.env.REELSMITH_REFERENCE_TRACKS;
  if (refs) await indexReferenceTracks(app, refs);
  const visual = createVisualPass(app);
  // Files of this run by content: two copies in one batch must not both be indexed.
  const inFlight = new Map<string, string>();
  const audio = createAudioPass(app);
  const actors = {
    probeClip: fromPromise<ProbeResult, { path: string }>(({ input, signal }) => probe(input.path, app.config.ffprobePath, signal)),
    hashClip: fromPromise<{ fileHash: string; duplicateOf?: { externalId: string; filePath: string } }, { path: string }>(async ({ input, signal }) => {
      const fileHash = await sha256File(input.path, signal);
      const same = await app.clips.findByHash(fileHash);
      // A failed attempt at the same bytes is no reason to skip: try again (it may be fixed now).
      if (same && same.status !== "failed" && same.filePath !== input.path) return { fileHash, duplicateOf: { externalId: same.externalId, filePath: same.filePath } };
      const sibling = inFlight.get(fileHash);
      if (sibling && sibling !== input.path) return { fileHash, duplicateOf: { externalId: "a file of this batch", filePath: sibling } };
      inFlight.set(fileHash, input.path);
      return { fileHash };
    }),
    visualPass: fromPromise<VisualSummary, PassInput>(({ input, signal }) => visual.run(input.input.path, input.probe, input.fileHash, signal)),
    audioPass: fromPromise<AudioSummary, PassInput>(({ input, signal }) => audio.run(input.input.path, input.probe, signal)),
    analyseClip: fromPromise<ClipAnalysis, { input: IndexInput; probe: ProbeResult; visual: VisualSummary; audio: AudioSummary }>(async ({ input, signal }) => {
      const local = analyseLocally(input.visual, input.audio, input.probe.durationSeconds);
      if (!llm?.handles("analysis")) return local;
      // The LLM refines the local analysis; when it cannot (network, limits, invalid replies) the local one stands, with the reason.
      try {
        return await analyseWithLlm(llm.client, { visual: input.visual, audio: input.audio, durationSeconds: input.probe.durationSeconds, local }, signal);
      } catch (err) {
        if (signal.aborted) throw err;
        return { ...local, absent: [{ signal: "llm_analysis", reason: llm.client.redact((err as Error).message) }] };
      }
    }),
    storeClip: fromPromise<StoreResult, IndexClipContext>(({ input }) => storeClip(app, input, visual.similarity)),
  };
  return {
    actors,
    dispose: async () => {
      await Promise.allSettled([visual.dispose(), audio.dispose()]);
    },
  };
}
