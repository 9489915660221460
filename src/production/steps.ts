/**
 * The production steps as named actors. Each is idempotent: it reads what it needs from the
 * database and writes to fixed paths under REELSMITH_HOME/productions/<production id>/.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fromPromise } from "xstate";
import type { AppContext } from "../app.ts";
import type { ClipRow } from "../db/repositories/clips.ts";
import type { ProductionContext } from "../machines/production.ts";
import { curate, clipSimilarity, type Candidate } from "./curate.ts";
import { buildTimeline, orderForRetention } from "./edit.ts";
import { writeMetadata, type ProductionMetadata } from "./metadata.ts";
import { planProduction, productionRequestSchema, type ProductionPlan } from "./plan.ts";
import { checkTimeline, type QaVerdict } from "./qa.ts";
import type { CurationOutput, FinishOutput, RenderOutput } from "./steps-types.ts";
import type { Timeline } from "./types.ts";
import { createLlm } from "../llm/index.ts";
import { metadataWithLlm, thumbnailWithLlm } from "../llm/search.ts";
import { reviewOverrides } from "./review.ts";
import type { ProductionServices } from "./services.ts";

/** Relevance kept per time a person removed or replaced the clip in a review. */
export const REVIEW_DROP_FACTOR = 0.8;

/** Where a production's files live. */
export function productionDir(app: AppContext, productionId: string): string {
  return join(app.config.home, "productions", productionId);
}

async function loadClips(app: AppContext, ids: string[]): Promise<Map<string, ClipRow>> {
  const rows = ids.length ? await app.clips.list({ ids, limit: ids.length }) : [];
  return new Map(rows.map((r) => [r.id, r]));
}

/** Builds the step actors over the app's repositories and the given services. */
export function createProductionSteps(app: AppContext, services: ProductionServices) {
  const llm = createLlm(app);
  const similar = (a: ClipRow, b: ClipRow) => clipSimilarity(a, b, services.fingerprintSimilarity);
  const setStage = (ctx: ProductionContext, status: string, progress: number) =>
    app.productions.update(ctx.rowId, { status, stage: status, progress, startedAt: ctx.plan ? undefined : new Date() });

  return {
    planProduction: fromPromise<ProductionPlan, ProductionContext>(async ({ input }) => {
      const req = productionRequestSchema.parse(input.request);
      await setStage(input, "curating", 2);
      return planProduction(req);
    }),

    curateClips: fromPromise<CurationOutput, ProductionContext>(async ({ input }) => {
      await setStage(input, "curating", 5);
      const plan = input.plan!;
      // Each curator round after a QA failure looks wider: more candidates, a lower bar.
      const limit = 50 * (input.attempt + 1) + plan.clipCount * 4;
      const hits = await services.search(input.request.theme, { limit, widen: input.attempt });
      if (!hits.length) throw new Error(`no clip in the library matches the theme "${input.request.theme}"`);
      const rows = await loadClips(app, hits.map((h) => h.clip_id));
      const top = hits[0]!.score || 1;
      // People's review edits teach: each time a person took a clip out of a cut, it ranks lower.
      const dropped = await reviewOverrides(app);
      const cands: Candidate[] = hits
        .filter((h) => rows.has(h.clip_id))
        .map((h) => {
          const n = dropped.get(h.clip_id) ?? 0;
          const why = n ? [...h.why, `review: taken out by a person ${n}×`] : h.why;
          return { clip: rows.get(h.clip_id)!, relevance: Math.max(0, Math.min(1, h.score / top)) * REVIEW_DROP_FACTOR ** n, moment: { start: h.start, end: h.end }, why };
        });
      // Enough clips to fill the target at each clip's longest allowed length, plus one spare.
      const need = Math.max(plan.clipCount, 3);
      const res = curate(cands, plan, need, services.fingerprintSimilarity, new Set(input.excludedClipIds));
      // Short clips may not fill the target at the style's lengths: take runners-up until they can.
      const capacity = () => res.picks.reduce((a, p) => a + Math.min(p.clip.durationSeconds, plan.clipMax), 0);
      while (capacity() < plan.targetDuration * 1.1 && res.runnersUp.length) res.picks.push(res.runnersUp.shift()!);
      if (!res.picks.length) {
        const reasons = res.excluded.slice(0, 5).map((e) => `${e.externalId}: ${e.reason}`).join("; ");
        throw new Error(`no usable clip for the theme "${input.request.theme}": ${hits.length} matched but none can be used (${reasons})`);
      }
      const ref = (p: (typeof res.picks)[number]) => ({ clipId: p.clip.id, externalId: p.clip.externalId, score: p.score, relevance: p.relevance, moment: p.moment, reason: p.reason });
      return { picks: res.picks.map(ref), runnersUp: res.runnersUp.map(ref), excluded: res.excluded, query: input.request.theme };
    }),

    editTimeline: fromPromise<Timeline, ProductionContext>(async ({ input }) => {
      await setStage(input, "editing", 10);
      const rows = await loadClips(app, input.curation!.picks.map((p) => p.clipId));
      const picks = input.curation!.picks.filter((p) => rows.has(p.clipId)).map((p) => ({ ...p, clip: rows.get(p.clipId)! }));
      const ordered = orderForRetention(picks, similar);
      return buildTimeline(ordered, input.plan!, { productionId: input.productionId, aspect: input.request.aspect, resolution: input.request.resolution });
    }),

    checkQuality: fromPromise<QaVerdict, ProductionContext>(async ({ input, signal }) => {
      await setStage(input, "qa", 15);
      const tl = input.timeline!;
      const rows = await loadClips(app, tl.entries.map((e) => e.clipId));
      const measures = await services.measureWindows(tl, signal);
      return checkTimeline(tl, input.plan!.targetDuration, rows, similar, measures);
    }),

    writeMetadata: fromPromise<ProductionMetadata, ProductionContext>(async ({ input }) => {
      await setStage(input, "metadata", 20);
      const tl = input.timeline!;
      const rows = await loadClips(app, tl.entries.map((e) => e.clipId));
      const past = (await app.productions.list(500)).filter((p) => p.status === "completed").map((p) => ({ theme: p.theme, views: p.views }));
      const meta = writeMetadata(tl, input.request.theme, rows, past);
      if (llm?.handles("metadata")) {
        const better = await metadataWithLlm(llm.client, input.request.theme, meta, tl.entries.map((e) => rows.get(e.clipId)?.sceneDescription ?? e.externalId));
        if (better) Object.assign(meta, better);
        // The third variant is the LLM's pick when it names a frame inside the cut.
        const cut = tl.entries.map((e) => rows.get(e.clipId)).filter((c): c is ClipRow => Boolean(c));
        const pick = await thumbnailWithLlm(llm.client, input.request.theme, cut.map((c) => ({ externalId: c.externalId, durationSeconds: c.durationSeconds, description: c.sceneDescription ?? "", keyMoments: c.keyMoments })));
        const chosen = pick ? cut.find((c) => c.externalId === pick.externalId) : undefined;
        if (pick && chosen) {
          const entry = tl.entries.find((e) => e.clipId === chosen.id)!;
          const inWindow = pick.time >= entry.sourceStart && pick.time <= entry.sourceEnd;
          meta.thumbnails.splice(2, 1, { rule: "llm_pick", clipId: chosen.id, externalId: chosen.externalId, sourceTime: pick.time, videoTime: inWindow ? Math.round((entry.start + pick.time - entry.sourceStart) * 100) / 100 : null });
        }
      }
      const dir = productionDir(app, input.productionId);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, "timeline.json"), JSON.stringify(tl, null, 2));
      await app.productions.update(input.rowId, {
        title: meta.title,
        description: meta.description,
        tags: meta.tags,
        thumbnailTimestamp: meta.thumbnailTimestamp,
        estimatedViews: meta.estimatedViews,
        clipsCount: tl.entries.length,
        // A review pause is announced by the service once its preview is rendered.
        status: "metadata",
        progress: 25,
      });
      return meta;
    }),

    renderVideo: fromPromise<RenderOutput, ProductionContext>(async ({ input, signal }) => {
      await setStage(input, "rendering", 25);
      let last = 0;
      return services.render(input.timeline!, productionDir(app, input.productionId), signal, (pct) => {
        const progress = Math.round(25 + pct * 0.7);
        if (progress > last) {
          last = progress;
          void app.productions.update(input.rowId, { progress });
        }
      });
    }),

    finishProduction: fromPromise<FinishOutput, ProductionContext>(async ({ input, signal }) => {
      await setStage(input, "rendering", 96);
      const tl = input.timeline!;
      const out = await services.finish(input, productionDir(app, input.productionId), signal);
      // production_clips rows and usage counts, once, in one transaction (idempotent: replaced).
      await app.productions.setClips(
        input.rowId,
        tl.entries.map((e) => ({
          clipId: e.clipId,
          positionIndex: e.position,
          startTimeInVideo: e.start,
          endTimeInVideo: e.end,
          sourceStart: e.sourceStart,
          sourceEnd: e.sourceEnd,
          transitionBefore: e.transition,
          audioLevel: e.audioLevel,
          appliedEffects: { section: e.section, transition_seconds: e.transitionSeconds },
          reason: e.reason,
        })),
      );
      await app.productions.update(input.rowId, {
        status: "completed",
        stage: "completed",
        progress: 100,
        completedAt: new Date(),
        finalVideoPath: input.render!.videoPath,
        finalDuration: input.render!.durationSeconds,
        artifacts: { ...out, encoder: input.render!.encoder, fallback_reason: input.render!.fallbackReason ?? null, segments_reused: input.render!.segmentsReused, loudness: input.render!.loudness ?? null },
      });
      return out;
    }),
  };
}
