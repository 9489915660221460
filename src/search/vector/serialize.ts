/**
 * Byte layout of a saved vector index (little-endian, as typed arrays are on x86 and ARM):
 * "RSVX", version, header numbers, ids as JSON, tombstones, vectors, then the HNSW graph if
 * built (levels, layer-0 links, upper layers as count-prefixed lists). The graph is saved rather
 * than rebuilt because building it is the slow part (tens of seconds at 100k × 512).
 */
import { HnswGraph, type HnswParams } from "./hnsw.ts";
import { VectorStore } from "./store.ts";

const MAGIC = 0x58565352; // "RSVX" read as a little-endian u32
const VERSION = 1;

export interface IndexParts {
  store: VectorStore;
  graph: HnswGraph | null;
  exactBelow: number;
  params: HnswParams;
}

class Writer {
  chunks: Uint8Array[] = [];
  u32(...values: number[]): void {
    const a = new Uint32Array(values.map((v) => v >>> 0));
    this.chunks.push(new Uint8Array(a.buffer));
  }
  bytes(b: Uint8Array): void {
    this.u32(b.byteLength);
    this.chunks.push(b);
    const pad = (4 - (b.byteLength % 4)) % 4;
    if (pad) this.chunks.push(new Uint8Array(pad));
  }
  concat(): Uint8Array {
    const out = new Uint8Array(this.chunks.reduce((n, c) => n + c.byteLength, 0));
    let off = 0;
    for (const c of this.chunks) {
      out.set(c, off);
      off += c.byteLength;
    }
    return out;
  }
}

class Reader {
  private off = 0;
  private readonly view: DataView;
  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  u32(): number {
    if (this.off + 4 > this.buf.byteLength) throw new Error("vector index bytes end early (truncated file?)");
    const v = this.view.getUint32(this.off, true);
    this.off += 4;
    return v;
  }
  i32(): number {
    return this.u32() | 0;
  }
  bytes(): Uint8Array {
    const n = this.u32();
    if (this.off + n > this.buf.byteLength) throw new Error("vector index bytes end early (truncated file?)");
    const out = this.buf.slice(this.off, this.off + n);
    this.off += n + ((4 - (n % 4)) % 4);
    return out;
  }
}

const asBytes = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Writes an index's parts to bytes. */
export function encodeIndex(parts: IndexParts): Uint8Array {
  const { store, graph, params } = parts;
  const w = new Writer();
  const n = store.slots;
  w.u32(MAGIC, VERSION, store.dim, n, Math.min(parts.exactBelow, 0xffffffff), params.M, params.efConstruction, params.efSearch, params.seed, graph ? 1 : 0);
  w.bytes(new TextEncoder().encode(JSON.stringify(store.ids)));
  w.bytes(store.deleted.slice(0, n));
  w.bytes(asBytes(store.data.subarray(0, n * store.dim)));
  if (graph) {
    w.u32(graph.entry, graph.maxLevel, graph.nodes, graph.rng.state);
    w.bytes(graph.levels.slice(0, n));
    w.bytes(graph.count0.slice(0, n));
    w.bytes(asBytes(graph.links0.subarray(0, n * graph.M0)));
    const upper: number[] = [];
    for (let s = 0; s < n; s++) for (const list of graph.upper[s] ?? []) upper.push(list.length, ...list);
    w.bytes(asBytes(new Int32Array(upper)));
  }
  return w.concat();
}

/** Reads parts written by `encodeIndex`. */
export function decodeIndex(bytes: Uint8Array): IndexParts {
  const r = new Reader(bytes);
  if (r.u32() !== MAGIC) throw new Error("not a Reelsmith vector index (bad magic bytes)");
  const version = r.u32();
  if (version !== VERSION) throw new Error(`vector index format version ${version} is not supported (expected ${VERSION})`);
  const [dim, n, exactBelow, M, efConstruction, efSearch, seed, hasGraph] = [r.u32(), r.u32(), r.u32(), r.u32(), r.u32(), r.u32(), r.i32(), r.u32()];
  const params: HnswParams = { M, efConstruction, efSearch, seed };
  const ids = JSON.parse(new TextDecoder().decode(r.bytes())) as string[];
  const deleted = r.bytes();
  const data = new Float32Array(r.bytes().buffer);
  if (ids.length !== n || deleted.length !== n || data.length !== n * dim) throw new Error("vector index bytes are inconsistent (counts do not match)");
  const store = new VectorStore(dim, Math.max(1024, n));
  store.data.set(data);
  store.deleted.set(deleted);
  store.ids = ids;
  for (let s = 0; s < n; s++) {
    if (deleted[s]) store.deletedCount++;
    else store.slotOf.set(ids[s]!, s);
  }
  let graph: HnswGraph | null = null;
  if (hasGraph) {
    graph = new HnswGraph(store, params);
    graph.entry = r.i32();
    graph.maxLevel = r.i32();
    graph.nodes = r.u32();
    graph.rng.state = r.i32();
    graph.levels.set(r.bytes());
    graph.count0.set(r.bytes());
    graph.links0.set(new Int32Array(r.bytes().buffer));
    const upper = new Int32Array(r.bytes().buffer);
    let off = 0;
    for (let s = 0; s < n; s++) {
      const level = graph.levels[s]!;
      if (!level) continue;
      const lists: number[][] = [];
      for (let l = 0; l < level; l++) {
        const count = upper[off++]!;
        lists.push(Array.from(upper.subarray(off, off + count)));
        off += count;
      }
      graph.upper[s] = lists;
    }
  }
  return { store, graph, exactBelow, params };
}
