/**
 * Whisper's vocabulary from tokenizer.json, for decoding only: GPT-2 byte-level BPE pieces back to
 * UTF-8 text, and the special tokens looked up by their content (so ids are never hard-coded:
 * <|endoftext|>, <|startoftranscript|>, <|notimestamps|>, <|en|>, <|transcribe|> and the
 * timestamp tokens <|0.00|> … <|30.00|>, whose seconds are read from their text).
 */
import { readFileSync } from "node:fs";
import { z } from "zod";

const TokenizerJson = z.object({
  model: z.object({ vocab: z.record(z.string(), z.number().int()) }),
  added_tokens: z.array(z.object({ id: z.number().int(), content: z.string() })).default([]),
});

export interface WhisperVocab {
  size: number;
  eot: number;
  sot: number;
  noTimestamps: number | null;
  /** Extra prompt tokens after <|startoftranscript|> (language/task), present only in multilingual vocabularies. */
  langTask: number[];
  /** Timestamp token id → seconds. */
  timestamps: Map<number, number>;
  /** Ids of every special token (never part of the text). */
  special: Set<number>;
  decode(ids: number[]): string;
}

/** GPT-2's bytes_to_unicode, reversed: printable stand-in character → byte. */
function byteDecoder(): Map<string, number> {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  return new Map(bs.map((b, i) => [String.fromCharCode(cs[i]!), b]));
}

export function loadWhisperVocab(path: string): WhisperVocab {
  let parsed: z.infer<typeof TokenizerJson>;
  try {
    parsed = TokenizerJson.parse(JSON.parse(readFileSync(path, "utf8")));
  } catch (err) {
    throw new Error(`Whisper tokenizer ${path} is not a tokenizer.json with model.vocab: ${(err as Error).message.split("\n")[0]}`);
  }
  const pieces = new Map<number, string>();
  for (const [piece, id] of Object.entries(parsed.model.vocab)) pieces.set(id, piece);
  const byContent = new Map<string, number>();
  const special = new Set<number>();
  const timestamps = new Map<number, number>();
  for (const t of parsed.added_tokens) {
    pieces.set(t.id, t.content);
    byContent.set(t.content, t.id);
    special.add(t.id);
    const ts = t.content.match(/^<\|(\d+\.\d+)\|>$/);
    if (ts) timestamps.set(t.id, Number(ts[1]));
  }
  const need = (c: string) => {
    const id = byContent.get(c) ?? parsed.model.vocab[c];
    if (id === undefined) throw new Error(`Whisper tokenizer ${path} has no ${c} token`);
    special.add(id);
    return id;
  };
  const eot = need("<|endoftext|>");
  const sot = need("<|startoftranscript|>");
  const noTimestamps = byContent.get("<|notimestamps|>") ?? null;
  // Older exports leave the timestamp tokens out of tokenizer.json: Whisper's are the 1501 ids after
  // <|notimestamps|>, 0.02 s apart (timestamp_begin = no_timestamps + 1).
  if (timestamps.size === 0 && noTimestamps !== null && !pieces.has(noTimestamps + 1)) {
    for (let i = 0; i <= 1500; i++) {
      timestamps.set(noTimestamps + 1 + i, Math.round(i * 2) / 100);
      special.add(noTimestamps + 1 + i);
    }
  }
  // A multilingual vocabulary has <|en|> and <|transcribe|>; the .en models have neither in their prompt.
  const langTask = byContent.has("<|en|>") && byContent.has("<|transcribe|>") ? [byContent.get("<|en|>")!, byContent.get("<|transcribe|>")!] : [];
  const bytes = byteDecoder();
  const size = Math.max(...pieces.keys(), ...timestamps.keys()) + 1;
  return {
    size,
    eot,
    sot,
    noTimestamps,
    langTask,
    timestamps,
    special,
    decode(ids) {
      const out: number[] = [];
      for (const id of ids) {
        if (special.has(id)) continue;
        for (const ch of pieces.get(id) ?? "") {
          const b = bytes.get(ch);
          if (b !== undefined) out.push(b);
        }
      }
      return new TextDecoder().decode(Uint8Array.from(out));
    },
  };
}
