/**
 * Worker thread entry for the visual pass: runs analyseVisual (the decode pipe and per-frame
 * features) off the main thread, which keeps the models' inference. Messages: `run` starts a
 * pass, `abort` stops one; replies are `progress`, `done` (frame bytes transferred, not copied)
 * and `error`.
 */
import { analyseVisual } from "./index.ts";
import type { VisualRequest, VisualReply } from "./pool.ts";

declare const self: Worker;

const running = new Map<number, AbortController>();
const reply = (m: VisualReply, transfer: ArrayBuffer[] = []) => self.postMessage(m, transfer);

self.onmessage = async (e: MessageEvent<VisualRequest>) => {
  const m = e.data;
  if (m.type === "abort") {
    running.get(m.id)?.abort();
    return;
  }
  const ac = new AbortController();
  running.set(m.id, ac);
  try {
    const result = await analyseVisual(m.path, m.probe, { ...m.opts, signal: ac.signal, onProgress: (fraction) => reply({ type: "progress", id: m.id, fraction }) });
    const buffers = new Set<ArrayBuffer>();
    for (const f of [...result.keyframes, ...result.samples, result.thumbnail]) buffers.add(f.frame.data.buffer as ArrayBuffer);
    reply({ type: "done", id: m.id, result }, [...buffers]);
  } catch (err) {
    reply({ type: "error", id: m.id, name: (err as Error).name, message: (err as Error).message });
  } finally {
    running.delete(m.id);
  }
};
