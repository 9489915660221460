/**
 * A sorted text file held as one byte buffer plus a table of line starts, searched by binary
 * search on each line's first field. WordNet's index files and cntlist.rev are sorted in byte
 * order (checked with `LC_ALL=C sort -c`), so byte comparison is the right order; this is how
 * WordNet's own bin_search works, without decoding 5 MB of text into strings.
 */

const NL = 0x0a;
const SPACE = 0x20;

export class SortedLines {
  private readonly starts: Uint32Array;

  /** Lines that begin with a space are left out: index files open with such licence lines. */
  constructor(private readonly bytes: Buffer) {
    let count = 0;
    for (let p = 0; p < bytes.length; ) {
      const e = bytes.indexOf(NL, p);
      if (bytes[p] !== SPACE) count++;
      p = e < 0 ? bytes.length : e + 1;
    }
    this.starts = new Uint32Array(count);
    let n = 0;
    for (let p = 0; p < bytes.length; ) {
      const e = bytes.indexOf(NL, p);
      if (bytes[p] !== SPACE) this.starts[n++] = p;
      p = e < 0 ? bytes.length : e + 1;
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** The line with this exact first field (up to the first space), or null. */
  find(key: string): string | null {
    const k = Buffer.from(key, "utf8");
    const i = this.lowerBound(k);
    if (i >= this.starts.length) return null;
    const s = this.starts[i]!;
    return this.fieldEnd(s) - s === k.length && this.bytes.compare(k, 0, k.length, s, s + k.length) === 0 ? this.lineAt(i) : null;
  }

  /** Every line whose text starts with `prefix`, in file order. */
  withPrefix(prefix: string): string[] {
    const k = Buffer.from(prefix, "utf8");
    const out: string[] = [];
    for (let i = this.lowerBound(k); i < this.starts.length; i++) {
      const s = this.starts[i]!;
      if (s + k.length > this.bytes.length || this.bytes.compare(k, 0, k.length, s, s + k.length) !== 0) break;
      out.push(this.lineAt(i));
    }
    return out;
  }

  /** The index of the first line whose first field is >= key in byte order. */
  private lowerBound(key: Buffer): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = this.starts[mid]!;
      // Compare the line's first field (not the whole line): "dog" must sort before "dog_bane",
      // and "dog n 7 …" must not compare its " n" against longer keys.
      if (key.compare(this.bytes, s, this.fieldEnd(s)) > 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private fieldEnd(start: number): number {
    let e = start;
    while (e < this.bytes.length && this.bytes[e] !== SPACE && this.bytes[e] !== NL) e++;
    return e;
  }

  private lineAt(i: number): string {
    const s = this.starts[i]!;
    const e = this.bytes.indexOf(NL, s);
    return this.bytes.toString("utf8", s, e < 0 ? this.bytes.length : e);
  }
}
