/**
 * Read access to a WordNet 3.0 database directory (Debian's wordnet-base puts it in
 * /usr/share/wordnet). Nothing is read when the database is opened: an index file is loaded the
 * first time its part of speech is asked for (the noun index, 4.8 MB, in a few milliseconds),
 * and synsets are read by byte offset from the data files through a file handle, so the 15 MB
 * noun data file is never read whole. Parsed synsets are kept in a small cache.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync } from "node:fs";
import { join } from "node:path";
import { parseDataLine, parseIndexLine, POS_CODE, POS_LIST, senseKeyPrefix, type IndexEntry, type Pos, type Synset } from "./format.ts";
import { morphy } from "./morphy.ts";
import { SortedLines } from "./sorted-lines.ts";

/** Where Debian's wordnet-base installs the database files. */
export const DEFAULT_WORDNET_DIR = "/usr/share/wordnet";

const EXC_FILE: Record<Pos, string> = { noun: "noun.exc", verb: "verb.exc", adj: "adj.exc", adv: "adv.exc" };
/** Enough for the synsets an expansion walks (a few hundred) many times over; ~1 KB each. */
const SYNSET_CACHE_SIZE = 20_000;
const COUNT_CACHE_SIZE = 100_000;

export interface LemmaMatch {
  pos: Pos;
  /** The index lemma ('_' between words). */
  lemma: string;
  /** True when the lemma differs from the word asked for (an inflection reduced by Morphy). */
  morph: boolean;
  entry: IndexEntry;
}

/** Milliseconds spent loading each lazily read file, for the benchmark. */
export type LoadTimes = Record<string, number>;

export class WordNet {
  private readonly indexes = new Map<Pos, SortedLines>();
  private readonly exceptionLists = new Map<Pos, Map<string, string[]>>();
  private readonly dataFds = new Map<Pos, number>();
  private readonly synsets = new Map<string, Synset>();
  private counts: SortedLines | null = null;
  private readonly countCache = new Map<string, number>();
  readonly loadTimes: LoadTimes = {};

  private constructor(readonly dir: string) {}

  /** Opens the database in `dir`; throws (with the missing file named) when it is not there. */
  static open(dir: string = DEFAULT_WORDNET_DIR): WordNet {
    for (const pos of POS_LIST) {
      for (const f of [`index.${pos}`, `data.${pos}`]) {
        const path = join(dir, f);
        if (!existsSync(path)) {
          throw new Error(`WordNet database incomplete: ${path} is missing (install the Debian package wordnet-base)`, {
            cause: { dir, file: f },
          });
        }
      }
    }
    return new WordNet(dir);
  }

  /** Whether a WordNet database is present in `dir`. */
  static available(dir: string = DEFAULT_WORDNET_DIR): boolean {
    return POS_LIST.every((p) => existsSync(join(dir, `index.${p}`)) && existsSync(join(dir, `data.${p}`)));
  }

  /** The index entry of a lemma (lower case, '_' between words), or null. */
  lookup(lemma: string, pos: Pos): IndexEntry | null {
    const line = this.index(pos).find(lemma);
    return line ? parseIndexLine(line) : null;
  }

  /** Whether a lemma is in the index of `pos`. */
  has(lemma: string, pos: Pos): boolean {
    return this.index(pos).find(lemma) !== null;
  }

  /** The synset at a byte offset of data.<pos>. */
  synset(offset: number, pos: Pos): Synset {
    const key = `${POS_CODE[pos]}${offset}`;
    const hit = this.synsets.get(key);
    if (hit) return hit;
    const line = this.readDataLine(pos, offset);
    let synset: Synset;
    try {
      synset = parseDataLine(line);
    } catch (err) {
      throw new Error(`WordNet data.${pos}: no synset at offset ${offset}`, { cause: err });
    }
    if (synset.offset !== offset) throw new Error(`WordNet data.${pos}: offset ${offset} points into another line`, { cause: { offset, found: synset.offset } });
    if (this.synsets.size >= SYNSET_CACHE_SIZE) this.synsets.delete(this.synsets.keys().next().value!);
    this.synsets.set(key, synset);
    return synset;
  }

  /** Base forms listed in <pos>.exc for an irregular inflection ("ran" → ["run"]). */
  exceptions(word: string, pos: Pos): readonly string[] {
    let map = this.exceptionLists.get(pos);
    if (!map) {
      map = new Map();
      const path = join(this.dir, EXC_FILE[pos]);
      if (existsSync(path)) {
        for (const line of readFileSync(path, "utf8").split("\n")) {
          const [inflected, ...bases] = line.trim().split(" ");
          if (inflected && bases.length > 0) map.set(inflected, bases);
        }
      }
      this.exceptionLists.set(pos, map);
    }
    return map.get(word) ?? [];
  }

  /**
   * How often a word's sense was tagged in the SemCor concordances (cntlist.rev); 0 when never.
   * Satellite adjectives' keys end in their head adjective, hence the prefix match.
   */
  tagCount(lemma: string, synset: Synset, lexId: number): number {
    if (!this.counts) {
      const path = join(this.dir, "cntlist.rev");
      this.counts = this.timed("cntlist.rev", () => new SortedLines(existsSync(path) ? readFileSync(path) : Buffer.alloc(0)));
    }
    const key = senseKeyPrefix(lemma, synset, lexId);
    let n = this.countCache.get(key);
    if (n === undefined) {
      n = 0;
      for (const line of this.counts.withPrefix(key)) n += Number(line.split(" ")[2] ?? 0);
      // Hyponym walks ask for the same few thousand keys again and again; a number each is cheap.
      if (this.countCache.size >= COUNT_CACHE_SIZE) this.countCache.clear();
      this.countCache.set(key, n);
    }
    return n;
  }

  /** Every lemma a word can stand for, over all parts of speech, with Morphy applied. */
  lemmas(word: string, parts: readonly Pos[] = POS_LIST): LemmaMatch[] {
    const w = word.toLowerCase().trim().replace(/\s+/g, "_");
    if (!w) return [];
    // "t shirt" may be "t-shirt" in WordNet, "skate board" may be "skateboard".
    const spellings = w.includes("_") ? [w, w.replace(/_/g, "-"), w.replace(/_/g, "")] : [w];
    const out: LemmaMatch[] = [];
    for (const pos of parts) {
      const seen = new Set<string>();
      for (const s of spellings) {
        for (const lemma of morphy(s, pos, this)) {
          if (seen.has(lemma)) continue;
          seen.add(lemma);
          const entry = this.lookup(lemma, pos);
          if (entry) out.push({ pos, lemma, morph: lemma !== s, entry });
        }
        if (seen.size > 0) break;
      }
    }
    return out;
  }

  /** Closes the data file handles. */
  close(): void {
    for (const fd of this.dataFds.values()) closeSync(fd);
    this.dataFds.clear();
  }

  private index(pos: Pos): SortedLines {
    let idx = this.indexes.get(pos);
    if (!idx) {
      idx = this.timed(`index.${pos}`, () => new SortedLines(readFileSync(join(this.dir, `index.${pos}`))));
      this.indexes.set(pos, idx);
    }
    return idx;
  }

  private readDataLine(pos: Pos, offset: number): string {
    let fd = this.dataFds.get(pos);
    if (fd === undefined) {
      fd = openSync(join(this.dir, `data.${pos}`), "r");
      this.dataFds.set(pos, fd);
    }
    // Most synset lines are under 1 KB; hubs such as "person" run to tens of KB, hence the loop.
    let buf = Buffer.allocUnsafe(4096);
    let len = 0;
    for (;;) {
      const n = readSync(fd, buf, len, buf.length - len, offset + len);
      const nl = buf.indexOf(0x0a, len);
      len += n;
      if (nl >= 0 && nl < len) return buf.toString("utf8", 0, nl);
      if (n === 0) return buf.toString("utf8", 0, len);
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, len);
      buf = bigger;
    }
  }

  private timed<T>(name: string, load: () => T): T {
    const t0 = performance.now();
    const value = load();
    this.loadTimes[name] = Math.round((performance.now() - t0) * 100) / 100;
    return value;
  }
}
