/**
 * Runs productions: creates the row, drives the statechart, saves its snapshot on every
 * transition, and resumes an interrupted production from its last snapshot. The CLI, the HTTP
 * routes and server start-up all go through here.
 */
import { createActor, type Snapshot } from "xstate";
import type { AppContext } from "../app.ts";
import type { ProductionRow } from "../db/repositories/productions.ts";
import { productionMachine, type ProductionContext, type ProductionInput } from "../machines/production.ts";
import { productionRequestSchema, type ProductionRequest } from "./plan.ts";
import type { ProductionServices } from "./services.ts";
import { createProductionSteps, productionDir } from "./steps.ts";

export type ProductionEvent = { type: "state"; state: string; productionId: string };

/** Statuses from which a production can still go on. */
export const RESUMABLE = ["queued", "curating", "editing", "qa", "metadata", "rendering", "cancelling"];

/** A short, readable, unique production id: prod_20261124_ab12cd. */
export function newProductionId(now = new Date()): string {
  return `prod_${now.toISOString().slice(0, 10).replace(/-/g, "")}_${Math.random().toString(36).slice(2, 8)}`;
}

/** Validates the request and stores a queued production; returns its row. */
export async function createProduction(app: AppContext, request: unknown): Promise<ProductionRow> {
  const req: ProductionRequest = productionRequestSchema.parse(request);
  return app.productions.create({
    productionId: newProductionId(),
    theme: req.theme,
    targetDuration: Math.round(req.target_duration),
    style: req.style,
    aspect: req.aspect,
    resolution: req.resolution,
    status: "queued",
    progress: 0,
    machineSnapshot: null,
    artifacts: { request: req },
  });
}

/**
 * Runs (or resumes from its snapshot) one production until it completes, fails, or waits for
 * review. Resolves with the final row.
 */
export async function runProduction(
  app: AppContext,
  services: ProductionServices,
  productionId: string,
  opts: {
    signal?: AbortSignal;
    onEvent?: (e: ProductionEvent) => void;
    /** Leave review: `true` renders the person's accepted cut (artifacts.review) or the pipeline's. */
    approve?: boolean | { timeline?: unknown };
    reject?: { reason: string };
  } = {},
): Promise<ProductionRow> {
  const row = await app.productions.get(productionId);
  if (!row) throw new Error(`no production "${productionId}"`);
  const request = productionRequestSchema.parse((row.artifacts as { request?: unknown }).request ?? { theme: row.theme, target_duration: row.targetDuration, style: row.style });
  const input: ProductionInput = { productionId: row.productionId, rowId: row.id, request };
  const machine = productionMachine.provide({ actors: createProductionSteps(app, services) });
  const actor = createActor(machine, { input, snapshot: (row.machineSnapshot as Snapshot<unknown> | null) ?? undefined });
  const restoredInReview = String((row.machineSnapshot as { value?: unknown } | null)?.value ?? "") === "awaitingReview";
  let deciding = restoredInReview && Boolean(opts.approve || opts.reject);
  if (deciding && opts.approve) await app.productions.update(row.id, { status: "rendering", progress: 25 });
  let saving: Promise<unknown> = Promise.resolve();
  let last = "";
  const finished = new Promise<ProductionContext & { state: string }>((resolve, reject) => {
    actor.subscribe({
      next: (snap) => {
        const state = String(snap.value);
        const persisted = actor.getPersistedSnapshot();
        saving = saving.then(() => app.productions.update(row.id, { machineSnapshot: persisted, stage: state }));
        if (state !== last) {
          last = state;
          opts.onEvent?.({ type: "state", state, productionId: row.productionId });
        }
        // A restored snapshot sits in awaitingReview until the decision below is sent.
        if (snap.status === "done" || (state === "awaitingReview" && !deciding)) saving.then(() => resolve({ ...snap.context, state }), reject);
      },
      error: reject,
    });
  });
  const onAbort = () => actor.stop();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  actor.start();
  if (deciding && String(actor.getSnapshot().value) === "awaitingReview") {
    deciding = false;
    if (opts.approve) {
      const edited = (row.artifacts as { review?: { timeline?: unknown } }).review?.timeline;
      const timeline = opts.approve === true ? edited : (opts.approve.timeline ?? edited);
      actor.send({ type: "APPROVE", ...(timeline ? { timeline: timeline as never } : {}) });
    } else if (opts.reject) actor.send({ type: "REJECT", reason: opts.reject.reason });
  }
  // A cancel may come from another process (API, another worker): the row says so.
  const watch = setInterval(async () => {
    const now = await app.productions.get(row.productionId).catch(() => undefined);
    if (now?.status === "cancelling") actor.send({ type: "CANCEL" });
  }, 1000);
  try {
    const end = await finished;
    if (end.state === "awaitingReview" && services.preview && !(row.artifacts as { previewPath?: string }).previewPath) {
      const dir = productionDir(app, row.productionId);
      const previewPath = await services.preview(end.timeline!, dir, opts.signal);
      const fresh = (await app.productions.get(row.productionId))!;
      await app.productions.update(row.id, { artifacts: { ...(fresh.artifacts as Record<string, unknown>), previewPath } });
    }
    if (end.state === "failed") await app.productions.update(row.id, { status: "failed", error: end.error ?? "failed", stage: end.failedAt ?? "failed" });
    if (end.state === "cancelled") await app.productions.update(row.id, { status: "cancelled" });
    if (end.state === "awaitingReview") await app.productions.update(row.id, { status: "awaiting_review" });
  } finally {
    clearInterval(watch);
    opts.signal?.removeEventListener("abort", onAbort);
    actor.stop();
  }
  return (await app.productions.get(row.productionId))!;
}
