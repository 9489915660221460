/** The production services over the real parts: search, fingerprints, ffmpeg measurements and rendering. */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { AppContext } from "../app.ts";
import { fingerprintSimilarity } from "../analysis/visual/features.ts";
import { runMedia } from "../media/exec.ts";
import { searchClips } from "../search/service.ts";
import { renderTimeline } from "../render/assemble.ts";
import { buildEdl, buildOtio, buildSrt } from "../render/exports.ts";
import type { JobQueue } from "../jobs/types.ts";
import { renderOptions, renderSlicesAcrossWorkers } from "./split-render.ts";
import { recordVariants, type VariantRecord } from "../thumbnails/ab.ts";
import { renderThumbnail, thumbnailSize } from "../thumbnails/render.ts";
import { MAX_BLACK_SECONDS, MAX_FROZEN_SECONDS, type WindowMeasure } from "./qa.ts";
import type { ProductionServices } from "./services.ts";
import type { Timeline } from "./types.ts";

/** blackdetect + freezedetect over one source window, at low resolution (one decode). */
export function windowCheckArgs(ffmpegPath: string, path: string, start: number, length: number): string[] {
  return [
    ffmpegPath, "-hide_banner", "-nostdin", "-v", "info", "-i", path, "-ss", String(start), "-t", String(length), "-an", "-sn",
    // pix_th 0.10 / 98% of pixels: a black frame, not a dark one; freeze: −60 dB noise for 1.5 s.
    "-vf", "scale=160:-2,blackdetect=d=0.5:pix_th=0.10:pic_th=0.98,freezedetect=n=-60dB:d=1.5", "-f", "null", "-",
  ];
}

/** Black and frozen intervals from blackdetect/freezedetect stderr (times relative to the window). */
export function parseWindowCheck(stderr: string, length: number): Omit<WindowMeasure, "clipId"> {
  const black = [...stderr.matchAll(/black_start:\s*([\d.]+)\s+black_end:\s*([\d.]+)/g)].map((m) => ({ start: Number(m[1]), end: Number(m[2]) }));
  const frozen: { start: number; end: number }[] = [];
  let open: number | null = null;
  for (const m of stderr.matchAll(/freeze_(start|end):\s*([\d.]+)/g)) {
    if (m[1] === "start") open = Number(m[2]);
    else if (open !== null) {
      frozen.push({ start: open, end: Number(m[2]) });
      open = null;
    }
  }
  if (open !== null) frozen.push({ start: open, end: length });
  return { black, frozen };
}

type Span = { start: number; end: number };

/** The black/frozen spans the visual pass stored, or null for clips indexed before it did. */
export function storedSpans(meta: Record<string, unknown>): { black: Span[]; frozen: Span[] } | null {
  const ok = (v: unknown): v is Span[] => Array.isArray(v) && v.every((x) => typeof x?.start === "number" && typeof x?.end === "number");
  return ok(meta.black_spans) && ok(meta.frozen_spans) ? { black: meta.black_spans, frozen: meta.frozen_spans } : null;
}

/** Spans clipped to a source window, relative to its start (as blackdetect reports them). */
export function windowed(spans: Span[], start: number, end: number): Span[] {
  return spans
    .map((s) => ({ start: Math.max(s.start, start) - start, end: Math.min(s.end, end) - start }))
    .filter((s) => s.end > s.start)
    .map((s) => ({ start: Math.round(s.start * 1000) / 1000, end: Math.round(s.end * 1000) / 1000 }));
}

export interface ProductionServiceOptions {
  /** With a job queue and `renderSplit` > 1, the render's segments are spread over workers. */
  jobs?: JobQueue;
  renderSplit?: number;
}

export async function createProductionServices(app: AppContext, opts: ProductionServiceOptions = {}): Promise<ProductionServices & { dispose(): Promise<void> }> {
  const ff = app.config.ffmpegPath;
  return {
    async search(theme, opts) {
      // Each widening round lowers the share of the theme's words a clip must match.
      const minCoverage = opts.widen === 0 ? undefined : Math.max(0.2, 0.5 - 0.15 * opts.widen);
      return searchClips(app, theme, { limit: opts.limit, minCoverage });
    },
    fingerprintSimilarity,
    async measureWindows(tl: Timeline, signal?: AbortSignal): Promise<WindowMeasure[]> {
      // The visual pass stored black/frozen spans at index time. Its freeze screen errs towards
      // flagging, so a window it finds clean needs no decode; one it flags (or a clip indexed
      // before spans were stored) is checked by blackdetect/freezedetect, which decide.
      const out: WindowMeasure[] = [];
      const rows = tl.entries.length ? await app.clips.list({ ids: [...new Set(tl.entries.map((e) => e.clipId))], limit: tl.entries.length }) : [];
      const stored = new Map(rows.map((r) => [r.id, storedSpans(r.customMetadata)]));
      const longest = (spans: Span[]) => spans.reduce((m, s) => Math.max(m, s.end - s.start), 0);
      const queue = tl.entries.filter((e) => {
        const spans = stored.get(e.clipId);
        if (!spans) return true;
        const m = { clipId: e.clipId, black: windowed(spans.black, e.sourceStart, e.sourceEnd), frozen: windowed(spans.frozen, e.sourceStart, e.sourceEnd) };
        if (longest(m.black) > MAX_BLACK_SECONDS || longest(m.frozen) > MAX_FROZEN_SECONDS) return true;
        out.push(m);
        return false;
      });
      // The rest: two ffmpeg checks at a time (each is mostly decode, and there are two cores).
      const worker = async () => {
        for (let e = queue.shift(); e; e = queue.shift()) {
          const len = e.sourceEnd - e.sourceStart;
          const { stderr } = await runMedia(windowCheckArgs(ff, e.filePath, e.sourceStart, len), { signal, stderrLimit: 1 << 20 });
          out.push({ clipId: e.clipId, ...parseWindowCheck(stderr, len) });
        }
      };
      await Promise.all([worker(), worker()]);
      return out;
    },
    async render(tl, dir, signal, onProgress) {
      const split = opts.renderSplit ?? app.config.renderSplit;
      if (opts.jobs && split > 1 && tl.entries.length > 1) await renderSlicesAcrossWorkers(app, opts.jobs, tl, Math.min(split, tl.entries.length), signal);
      const r = await renderTimeline(tl, { ...renderOptions(app, tl.productionId, signal), outDir: dir, workDir: join(dir, "work"), onProgress: (p) => onProgress(p) });
      return { videoPath: r.videoPath, durationSeconds: r.durationSeconds, encoder: r.encoder, fallbackReason: r.fallbackReason, segmentsReused: r.segmentsReused, loudness: r.loudness ?? undefined };
    },
    async preview(tl, dir, signal) {
      const r = await renderTimeline(tl, { outDir: dir, workDir: join(dir, "work"), ffmpegPath: ff, ffprobePath: app.config.ffprobePath, encoder: "auto", proxy: true, signal });
      return r.videoPath;
    },
    async finish(ctx, dir, signal) {
      const tl = ctx.timeline!;
      const title = ctx.metadata?.title ?? ctx.productionId;
      await mkdir(dir, { recursive: true });
      const rows = await app.clips.list({ ids: tl.entries.map((e) => e.clipId), limit: tl.entries.length });
      const words = new Map(rows.map((r) => [r.id, r.transcriptWords]));
      const transcripts = tl.entries.map((e) => ({ position: e.position, words: words.get(e.clipId) ?? [] }));
      const captionsPath = join(dir, "captions.srt");
      const otioPath = join(dir, "timeline.otio");
      const edlPath = join(dir, "timeline.edl");
      const timelinePath = join(dir, "timeline.json");
      await writeFile(captionsPath, buildSrt(tl, transcripts));
      await writeFile(otioPath, JSON.stringify(buildOtio(tl, title), null, 2));
      await writeFile(edlPath, buildEdl(tl, title));
      await writeFile(timelinePath, JSON.stringify(tl, null, 2));
      const thumbnails: { rule: string; path: string; clipExternalId: string }[] = [];
      // The seed's three variants at the platform's size with the title over them, recorded for the A/B test.
      const size = thumbnailSize(tl.aspect);
      const variants: VariantRecord[] = [];
      for (const [i, t] of (ctx.metadata?.thumbnails ?? []).entries()) {
        const path = join(dir, `thumbnail_${i + 1}.jpg`);
        const clip = rows.find((r) => r.id === t.clipId);
        if (!clip) continue;
        await renderThumbnail({ ffmpegPath: ff, clipPath: clip.filePath, sourceTime: t.sourceTime, title, ...size, out: path, signal });
        thumbnails.push({ rule: t.rule, path, clipExternalId: t.externalId });
        variants.push({ variant: i + 1, strategy: t.rule, size: `${size.width}x${size.height}`, imagePath: path, clipId: clip.id, timeSeconds: t.sourceTime });
      }
      await recordVariants(app, ctx.rowId, variants);
      return { videoPath: ctx.render!.videoPath, thumbnails, captionsPath, otioPath, edlPath, timelinePath };
    },
    async dispose() {},
  };
}
