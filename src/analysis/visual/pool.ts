/**
 * The visual pass on worker threads. Indexing is bound by the main thread on 2 cores: the decode
 * pipe and the per-frame features (about half of its work on the corpus) and the models'
 * inference (tfjs-wasm, the other half) took turns on one thread while the second core waited.
 * Here each pass runs in a worker and only its result (small features, a few kept frames)
 * comes back. When a worker cannot start (a binary built without its entry), the pass runs in
 * this thread instead: slower, never wrong.
 */
import type { ProbeResult } from "../../media/probe.ts";
import type { Keyframe, VisualAnalysis } from "../types.ts";
import { analyseVisual, type VisualOptions } from "./index.ts";

export type VisualResult = VisualAnalysis & { samples: Keyframe[] };
type Plain = Omit<VisualOptions, "signal" | "onProgress">;

export type VisualRequest = { type: "run"; id: number; path: string; probe: ProbeResult; opts: Plain } | { type: "abort"; id: number };
export type VisualReply =
  | { type: "progress"; id: number; fraction: number }
  | { type: "done"; id: number; result: VisualResult }
  | { type: "error"; id: number; name: string; message: string };

/**
 * The worker's entry. In the compiled binary everything under src/ is one module at the bundle's
 * root, and the worker a second entry point at its own path below it (scripts/build.ts).
 */
const WORKER_ENTRY = import.meta.url.includes("/$bunfs/") ? new URL("./analysis/visual/worker.ts", import.meta.url).href : new URL("./worker.ts", import.meta.url).href;

interface Pending {
  resolve: (r: VisualResult) => void;
  reject: (e: Error) => void;
  onProgress?: (fraction: number) => void;
  /** Runs the pass in this thread instead (a worker that never started). */
  here: () => Promise<VisualResult>;
}

interface Slot {
  worker: Worker;
  busy: number;
  /** Whether the worker ever answered (one that dies before it did cannot start at all). */
  answered: boolean;
}

export class VisualWorkers {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending & { slot: Slot }>();
  private nextId = 1;
  private failed: string | undefined;

  /** `size` workers, started on first use. */
  constructor(private readonly size: number) {}

  /** Why the passes run in this thread, if they do. */
  get fallbackReason(): string | undefined {
    return this.failed;
  }

  async run(path: string, probe: ProbeResult, opts: VisualOptions = {}): Promise<VisualResult> {
    const slot = this.failed ? undefined : this.pick();
    if (!slot) return analyseVisual(path, probe, opts);
    const { signal, onProgress, ...plain } = opts;
    if (signal?.aborted) throw new Error("visual pass aborted before start");
    const id = this.nextId++;
    // Referenced only while busy: an idle pool never keeps the process alive. (Awaiting a reply
    // from an unreferenced worker made Bun's event loop spin: a core busy doing nothing.)
    if (slot.busy++ === 0) slot.worker.ref();
    const here = () => analyseVisual(path, probe, opts);
    const done = new Promise<VisualResult>((resolve, reject) => this.pending.set(id, { resolve, reject, onProgress, here, slot }));
    const abort = () => slot.worker.postMessage({ type: "abort", id } satisfies VisualRequest);
    signal?.addEventListener("abort", abort, { once: true });
    slot.worker.postMessage({ type: "run", id, path, probe, opts: plain } satisfies VisualRequest);
    try {
      return await done;
    } finally {
      signal?.removeEventListener("abort", abort);
      if (--slot.busy === 0) slot.worker.unref();
    }
  }

  /** The least busy worker, starting one while fewer than `size` run; undefined when workers cannot start. */
  private pick(): Slot | undefined {
    const idle = this.slots.find((s) => s.busy === 0);
    if (idle) return idle;
    if (this.slots.length < this.size) {
      try {
        const worker = new Worker(WORKER_ENTRY);
        const slot: Slot = { worker, busy: 0, answered: false };
        worker.onmessage = (e: MessageEvent<VisualReply>) => {
          slot.answered = true;
          this.receive(e.data);
        };
        worker.onerror = (e) => this.lost(slot, e.message || "worker error");
        this.slots.push(slot);
        return slot;
      } catch (err) {
        this.failed = `visual workers unavailable (${(err as Error).message}); the visual pass runs on the main thread`;
        return undefined;
      }
    }
    return this.slots.reduce((a, s) => (s.busy < a.busy ? s : a));
  }

  private receive(m: VisualReply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === "progress") return p.onProgress?.(m.fraction);
    this.pending.delete(m.id);
    if (m.type === "done") p.resolve(m.result);
    else p.reject(Object.assign(new Error(m.message), { name: m.name }));
  }

  /**
   * A worker died. One that never answered cannot start here (e.g. a binary built without its
   * entry): its passes and all later ones run in this thread. Otherwise its passes fail with the
   * reason (the indexer records it), and it is replaced on next use.
   */
  private lost(slot: Slot, reason: string): void {
    this.slots.splice(this.slots.indexOf(slot), 1);
    if (!slot.answered) this.failed = `visual worker could not start (${reason}); the visual pass runs on the main thread`;
    for (const [id, p] of this.pending) {
      if (p.slot !== slot) continue;
      this.pending.delete(id);
      if (slot.answered) p.reject(new Error(`visual worker failed: ${reason}`));
      else p.here().then(p.resolve, p.reject);
    }
    slot.worker.terminate();
  }

  async dispose(): Promise<void> {
    for (const s of this.slots.splice(0)) s.worker.terminate();
  }
}
