/**
 * The indexing statechart for one clip: probe → hash/dedupe → visual pass → audio pass →
 * analysis → store. It only declares; the steps are actors provided by src/indexing/steps.ts.
 * The snapshot is persisted after every transition (src/indexing/service.ts), and on restore
 * XState restarts the invoked step, so every step is idempotent: outputs go to fixed paths
 * keyed by the file's hash, and the store step writes the clip row in one transaction.
 */
import { assign, setup } from "xstate";
import { errorReason, notProvided } from "./actors.ts";
import type { ProbeResult } from "../media/probe.ts";
import type { AudioSummary, ClipAnalysis, IndexInput, StoreResult, VisualSummary } from "../indexing/types.ts";

export interface IndexClipContext {
  input: IndexInput;
  probe?: ProbeResult;
  fileHash?: string;
  visual?: VisualSummary;
  audio?: AudioSummary;
  analysis?: ClipAnalysis;
  clipId?: string;
  externalId?: string;
  nearDuplicates?: { externalId: string; similarity: number }[];
  /** Why the clip failed or was skipped, for a person to read. */
  reason?: string;
  /** The stage that failed. */
  failedAt?: string;
}

export const indexClipMachine = setup({
  types: {
    context: {} as IndexClipContext,
    input: {} as IndexInput,
  },
  actors: {
    probeClip: notProvided<ProbeResult, { path: string }>("index", "probeClip"),
    hashClip: notProvided<{ fileHash: string; duplicateOf?: { externalId: string; filePath: string } }, { path: string }>("index", "hashClip"),
    visualPass: notProvided<VisualSummary, { input: IndexInput; probe: ProbeResult; fileHash: string }>("index", "visualPass"),
    audioPass: notProvided<AudioSummary, { input: IndexInput; probe: ProbeResult; fileHash: string }>("index", "audioPass"),
    analyseClip: notProvided<ClipAnalysis, { input: IndexInput; probe: ProbeResult; visual: VisualSummary; audio: AudioSummary }>("index", "analyseClip"),
    storeClip: notProvided<StoreResult, IndexClipContext>("index", "storeClip"),
  },
  actions: {
    /** Keeps the error of the step that failed, as a one-line reason, and which step it was. */
    fail: assign(({ event }, params: { stage: string }) => ({
      reason: errorReason((event as { error?: unknown }).error),
      failedAt: params.stage,
    })),
  },
}).createMachine({
  id: "indexClip",
  context: ({ input }) => ({ input }),
  initial: "probing",
  states: {
    probing: {
      description: "Read the container with ffprobe: duration, size, codecs, streams, tags.",
      invoke: {
        src: "probeClip",
        input: ({ context }) => ({ path: context.input.path }),
        onDone: { target: "hashing", actions: assign({ probe: ({ event }) => event.output }) },
        onError: { target: "failed", actions: { type: "fail", params: { stage: "probe" } } },
      },
    },
    hashing: {
      description: "SHA-256 of the bytes; an exact duplicate of a stored clip is skipped with a reason.",
      invoke: {
        src: "hashClip",
        input: ({ context }) => ({ path: context.input.path }),
        onDone: [
          {
            guard: ({ event }) => Boolean(event.output.duplicateOf),
            target: "skipped",
            actions: assign({
              fileHash: ({ event }) => event.output.fileHash,
              reason: ({ event }) =>
                `exact duplicate of ${event.output.duplicateOf!.externalId} (${event.output.duplicateOf!.filePath})`,
            }),
          },
          { target: "checkingStreams", actions: assign({ fileHash: ({ event }) => event.output.fileHash }) },
        ],
        onError: { target: "failed", actions: { type: "fail", params: { stage: "hash" } } },
      },
    },
    checkingStreams: {
      description: "Reelsmith compiles video: a file without a video stream cannot be used.",
      always: [
        {
          guard: ({ context }) => !context.probe!.hasVideo,
          target: "failed",
          actions: assign({
            reason: () => "no video stream (audio-only file): nothing to show in a compilation",
            failedAt: () => "probe",
          }),
        },
        { target: "visual" },
      ],
    },
    visual: {
      description:
        "One decode pass: shots, motion curve, keyframes, thumbnail, fingerprint; objects, faces, text, pose and embeddings on those frames.",
      invoke: {
        src: "visualPass",
        input: ({ context }) => ({ input: context.input, probe: context.probe!, fileHash: context.fileHash! }),
        onDone: { target: "audio", actions: assign({ visual: ({ event }) => event.output }) },
        onError: { target: "failed", actions: { type: "fail", params: { stage: "visual" } } },
      },
    },
    audio: {
      description: "One audio decode: loudness, silences, speech (VAD), music, sound events, transcript.",
      invoke: {
        src: "audioPass",
        input: ({ context }) => ({ input: context.input, probe: context.probe!, fileHash: context.fileHash! }),
        onDone: { target: "analysing", actions: assign({ audio: ({ event }) => event.output }) },
        onError: { target: "failed", actions: { type: "fail", params: { stage: "audio" } } },
      },
    },
    analysing: {
      description: "Scores, description, key moments and tags from the signals (local formulas, or an LLM when configured).",
      invoke: {
        src: "analyseClip",
        input: ({ context }) => ({ input: context.input, probe: context.probe!, visual: context.visual!, audio: context.audio! }),
        onDone: { target: "storing", actions: assign({ analysis: ({ event }) => event.output }) },
        onError: { target: "failed", actions: { type: "fail", params: { stage: "analysis" } } },
      },
    },
    storing: {
      description: "Write the clip, its tags and keyframes in one transaction; link near-duplicates.",
      invoke: {
        src: "storeClip",
        input: ({ context }) => context,
        onDone: {
          target: "done",
          actions: assign({
            clipId: ({ event }) => event.output.clipId,
            externalId: ({ event }) => event.output.externalId,
            nearDuplicates: ({ event }) => event.output.nearDuplicates,
          }),
        },
        onError: { target: "failed", actions: { type: "fail", params: { stage: "store" } } },
      },
    },
    done: { type: "final", description: "Analysed and stored." },
    skipped: { type: "final", description: "Not indexed, with the reason (exact duplicate)." },
    failed: { type: "final", description: "Stopped with a reason a person can read; recorded as a failed clip." },
  },
});

export type IndexClipMachine = typeof indexClipMachine;
