/**
 * The production statechart (the seed's agent pipeline): coordinator → curator → editor → QA
 * (back to curator or editor with reasons, a bounded number of times) → metadata → optional
 * review → renderer → finishing. It only declares; steps are provided by src/production/steps.ts.
 * The snapshot is saved on every transition; on restore the invoked step restarts, so every
 * step is idempotent (outputs at fixed paths keyed by production id).
 */
import { assign, setup } from "xstate";
import type { CurationOutput, FinishOutput, RenderOutput } from "../production/steps-types.ts";
import type { ProductionMetadata } from "../production/metadata.ts";
import type { ProductionPlan, ProductionRequest } from "../production/plan.ts";
import type { QaVerdict } from "../production/qa.ts";
import type { Timeline } from "../production/types.ts";
import { errorReason, notProvided } from "./actors.ts";

/** QA may send work back this many times before the production fails with the reasons. */
export const MAX_QA_ROUNDS = 3;

export interface ProductionInput {
  productionId: string;
  rowId: string;
  request: ProductionRequest;
}

export interface ProductionContext extends ProductionInput {
  plan?: ProductionPlan;
  /** Curation round: each QA failure routed to the curator widens the search. */
  attempt: number;
  qaRounds: number;
  excludedClipIds: string[];
  curation?: CurationOutput;
  timeline?: Timeline;
  qa?: QaVerdict;
  qaHistory: QaVerdict[];
  metadata?: ProductionMetadata;
  render?: RenderOutput;
  result?: FinishOutput;
  error?: string;
  failedAt?: string;
}

export const productionMachine = setup({
  types: {
    context: {} as ProductionContext,
    input: {} as ProductionInput,
    events: {} as { type: "APPROVE"; timeline?: Timeline } | { type: "REJECT"; reason: string } | { type: "CANCEL" },
  },
  actors: {
    planProduction: notProvided<ProductionPlan, ProductionContext>("production", "planProduction"),
    curateClips: notProvided<CurationOutput, ProductionContext>("production", "curateClips"),
    editTimeline: notProvided<Timeline, ProductionContext>("production", "editTimeline"),
    checkQuality: notProvided<QaVerdict, ProductionContext>("production", "checkQuality"),
    writeMetadata: notProvided<ProductionMetadata, ProductionContext>("production", "writeMetadata"),
    renderVideo: notProvided<RenderOutput, ProductionContext>("production", "renderVideo"),
    finishProduction: notProvided<FinishOutput, ProductionContext>("production", "finishProduction"),
  },
  actions: {
    fail: assign(({ event }, params: { stage: string }) => ({ error: errorReason((event as { error?: unknown }).error), failedAt: params.stage })),
  },
  guards: {
    qaPassed: ({ context }) => Boolean(context.qa?.passed),
    roundsLeft: ({ context }) => context.qaRounds < MAX_QA_ROUNDS,
    toCurator: ({ context }) => Boolean(context.qa?.issues.some((i) => i.route === "curator")),
    wantsReview: ({ context }) => context.request.review,
  },
}).createMachine({
  id: "production",
  context: ({ input }) => ({ ...input, attempt: 0, qaRounds: 0, excludedClipIds: [], qaHistory: [] }),
  initial: "planning",
  on: { CANCEL: { target: ".cancelled" } },
  states: {
    planning: {
      description: "Coordinator: validate the request; plan sections, clip count and per-clip length.",
      invoke: {
        src: "planProduction",
        input: ({ context }) => context,
        onDone: { target: "curating", actions: assign({ plan: ({ event }) => event.output }) },
        onError: { target: "failed", actions: { type: "fail", params: { stage: "planning" } } },
      },
    },
    curating: {
      description: "Curator: search the theme, keep usable clips, score and diversify (MMR); store why each was picked.",
      invoke: {
        src: "curateClips",
        input: ({ context }) => context,
        onDone: { target: "editing", actions: assign({ curation: ({ event }) => event.output }) },
        onError: { target: "failed", actions: { type: "fail", params: { stage: "curating" } } },
      },
    },
    editing: {
      description: "Editor: order for retention, trim to setup→payoff windows, transitions, audio levels.",
      invoke: {
        src: "editTimeline",
        input: ({ context }) => context,
        onDone: { target: "qa", actions: assign({ timeline: ({ event }) => event.output }) },
        onError: { target: "failed", actions: { type: "fail", params: { stage: "editing" } } },
      },
    },
    qa: {
      description: "QA: duration ±2%, no duplicates, rights, minimum length, no black or frozen stretch.",
      invoke: {
        src: "checkQuality",
        input: ({ context }) => context,
        onDone: { target: "qaDecision", actions: assign({ qa: ({ event }) => event.output, qaHistory: ({ context, event }) => [...context.qaHistory, event.output] }) },
        onError: { target: "failed", actions: { type: "fail", params: { stage: "qa" } } },
      },
    },
    qaDecision: {
      description: "Route QA's reasons: pass on, back to the curator or editor, or fail when rounds run out.",
      always: [
        { guard: "qaPassed", target: "metadata" },
        {
          guard: "roundsLeft",
          target: "curating",
          reenter: true,
          actions: assign({
            qaRounds: ({ context }) => context.qaRounds + 1,
            attempt: ({ context }) => context.attempt + 1,
            excludedClipIds: ({ context }) => [...new Set([...context.excludedClipIds, ...(context.qa?.issues.map((i) => i.clipId).filter((x): x is string => Boolean(x)) ?? [])])],
          }),
        },
        {
          target: "failed",
          actions: assign({
            error: ({ context }) => `QA failed after ${context.qaRounds + 1} rounds: ${context.qa?.issues.map((i) => i.message).join("; ")}`,
            failedAt: () => "qa",
          }),
        },
      ],
    },
    metadata: {
      description: "Metadata: title, description with chapters, tags, thumbnail picks, estimated views.",
      invoke: {
        src: "writeMetadata",
        input: ({ context }) => context,
        onDone: [
          { guard: "wantsReview", target: "awaitingReview", actions: assign({ metadata: ({ event }) => event.output }) },
          { target: "rendering", actions: assign({ metadata: ({ event }) => event.output }) },
        ],
        onError: { target: "failed", actions: { type: "fail", params: { stage: "metadata" } } },
      },
    },
    awaitingReview: {
      description: "Paused for a person to check the cut; APPROVE (optionally with an edited timeline) renders it.",
      on: {
        APPROVE: { target: "rendering", actions: assign({ timeline: ({ context, event }) => event.timeline ?? context.timeline }) },
        REJECT: { target: "failed", actions: assign({ error: ({ event }) => `rejected in review: ${event.reason}`, failedAt: () => "review" }) },
      },
    },
    rendering: {
      description: "Renderer: segments, transitions, loudness −14 LUFS, H.264/AAC with chapters (NVENC when usable).",
      invoke: {
        src: "renderVideo",
        input: ({ context }) => context,
        onDone: { target: "finishing", actions: assign({ render: ({ event }) => event.output }) },
        onError: { target: "failed", actions: { type: "fail", params: { stage: "rendering" } } },
      },
    },
    finishing: {
      description: "Captions, timeline exports, thumbnails; production_clips rows; clips' usage counts.",
      invoke: {
        src: "finishProduction",
        input: ({ context }) => context,
        onDone: { target: "completed", actions: assign({ result: ({ event }) => event.output }) },
        onError: { target: "failed", actions: { type: "fail", params: { stage: "finishing" } } },
      },
    },
    completed: { type: "final" },
    failed: { type: "final" },
    cancelled: { type: "final" },
  },
});

export type ProductionMachine = typeof productionMachine;
