/**
 * CLIP's byte-level BPE tokenizer (OpenAI `simple_tokenizer.py`, as exported to Hugging Face's
 * tokenizer.json): NFC, whitespace collapsed, lower case; words split by CLIP's regex; each
 * word's UTF-8 bytes mapped to GPT-2's printable byte alphabet, "</w>" marking the word end;
 * merges applied by rank; `<|startoftext|>` … `<|endoftext|>`, truncated and padded to 77.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** CLIP's text context: 77 positions including the start and end tokens. */
export const CLIP_CONTEXT = 77;

// The split pattern of tokenizer.json's pre_tokenizer (and simple_tokenizer.py, which also
// matches case-insensitively; the text is lower-cased before it is split).
const WORD_RE = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+/gu;

/** GPT-2's reversible map from bytes to printable characters (bytes_to_unicode). */
function byteAlphabet(): string[] {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const table: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) table[b] = String.fromCodePoint(printable.includes(b) ? b : 256 + extra++);
  return table;
}

export interface ClipTokenizer {
  readonly startId: number;
  readonly endId: number;
  readonly padId: number;
  /** Token ids of a text without the start/end tokens. */
  tokenize(text: string): number[];
  /** `[start, …tokens, end]` truncated to `length` (the end token kept), not padded. */
  encode(text: string, length?: number): number[];
  /** A batch as int64 rows of `length` (padded with the pad token) and the matching attention mask. */
  encodeBatch(texts: string[], length?: number): { inputIds: BigInt64Array; attentionMask: BigInt64Array; length: number };
}

/** CLIP's text clean-up: NFC, runs of whitespace to one space, trimmed, lower case. */
export function normaliseClipText(text: string): string {
  return text.normalize("NFC").replace(/\s+/gu, " ").trim().toLowerCase();
}

/** Builds a tokenizer from a vocabulary (token → id) and ordered merges ("a b" pairs). */
export function createClipTokenizer(vocab: Record<string, number>, merges: string[], padToken = "<|endoftext|>"): ClipTokenizer {
  const bytes = byteAlphabet();
  const ranks = new Map<string, number>();
  merges.forEach((m, i) => ranks.set(m, i));
  const cache = new Map<string, number[]>();
  const idOf = (t: string) => {
    const id = vocab[t];
    if (id === undefined) throw new Error(`CLIP vocabulary has no token ${JSON.stringify(t)}`);
    return id;
  };
  const startId = idOf("<|startoftext|>");
  const endId = idOf("<|endoftext|>");
  const padId = idOf(padToken);
  const encoder = new TextEncoder();

  const bpe = (word: string): number[] => {
    const hit = cache.get(word);
    if (hit) return hit;
    const parts = Array.from(word);
    parts[parts.length - 1] += "</w>";
    while (parts.length > 1) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i < parts.length - 1; i++) {
        const r = ranks.get(`${parts[i]} ${parts[i + 1]}`);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) break;
      // Merge every occurrence of the best pair, left to right, as the reference does.
      const a = parts[best]!;
      const b = parts[best + 1]!;
      const merged: string[] = [];
      for (let i = 0; i < parts.length; i++) {
        if (i < parts.length - 1 && parts[i] === a && parts[i + 1] === b) {
          merged.push(a + b);
          i++;
        } else merged.push(parts[i]!);
      }
      parts.splice(0, parts.length, ...merged);
    }
    const ids = parts.map(idOf);
    if (cache.size < 20_000) cache.set(word, ids);
    return ids;
  };

  const tokenize = (text: string): number[] => {
    const out: number[] = [];
    for (const m of normaliseClipText(text).matchAll(WORD_RE)) {
      const w = m[0];
      if (w === "<|startoftext|>" || w === "<|endoftext|>") {
        out.push(idOf(w));
        continue;
      }
      const mapped = Array.from(encoder.encode(w), (b) => bytes[b]!).join("");
      out.push(...bpe(mapped));
    }
    return out;
  };

  const encode = (text: string, length = CLIP_CONTEXT): number[] => [startId, ...tokenize(text).slice(0, length - 2), endId];

  return {
    startId,
    endId,
    padId,
    tokenize,
    encode,
    encodeBatch(texts, length = CLIP_CONTEXT) {
      const inputIds = new BigInt64Array(texts.length * length).fill(BigInt(padId));
      const attentionMask = new BigInt64Array(texts.length * length);
      texts.forEach((t, row) => {
        encode(t, length).forEach((id, i) => {
          inputIds[row * length + i] = BigInt(id);
          attentionMask[row * length + i] = 1n;
        });
      });
      return { inputIds, attentionMask, length };
    },
  };
}

/** Loads the tokenizer from a Hugging Face CLIP folder (vocab.json + merges.txt, or tokenizer.json). */
export function loadClipTokenizer(dir: string): ClipTokenizer {
  let padToken = "<|endoftext|>";
  const configPath = join(dir, "tokenizer_config.json");
  if (existsSync(configPath)) {
    const pad = (JSON.parse(readFileSync(configPath, "utf8")) as { pad_token?: string | { content: string } }).pad_token;
    if (typeof pad === "string") padToken = pad;
    else if (pad?.content) padToken = pad.content;
  }
  if (existsSync(join(dir, "vocab.json")) && existsSync(join(dir, "merges.txt"))) {
    const vocab = JSON.parse(readFileSync(join(dir, "vocab.json"), "utf8")) as Record<string, number>;
    // merges.txt starts with a "#version" line, and the copy on the hub has CRLF line ends.
    const merges = readFileSync(join(dir, "merges.txt"), "utf8").split(/\r?\n/).filter((l) => l && !l.startsWith("#version"));
    return createClipTokenizer(vocab, merges, padToken);
  }
  const tj = join(dir, "tokenizer.json");
  if (!existsSync(tj)) throw new Error(`no CLIP tokenizer in ${dir} (need vocab.json + merges.txt or tokenizer.json)`);
  const model = (JSON.parse(readFileSync(tj, "utf8")) as { model: { vocab: Record<string, number>; merges: (string | [string, string])[] } }).model;
  const merges = model.merges.map((m) => (typeof m === "string" ? m : m.join(" ")));
  return createClipTokenizer(model.vocab, merges, padToken);
}
