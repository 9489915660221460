import { describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { CLIP_FILES_DIR } from "../../../tests/fixtures/tiny-clip.ts";
import { CLIP_CONTEXT, loadClipTokenizer } from "./tokenizer.ts";

// The real tokenizer files of OpenAI's CLIP ViT-B/32 (Hugging Face layout).
const CLIP_DIR = CLIP_FILES_DIR;
const tok = loadClipTokenizer(CLIP_DIR);

const SAMPLES = [
  "a photo of a cat",
  "A  DOG running\ton the BEACH!!",
  "don't stop, it's 2024: 3.5 dogs & 12 cats",
  "Café naïve résumé — 東京 🐶 emoji",
  "hello<|endoftext|>world",
  "rock'n'roll isn't dead, we've seen it",
  "   leading and trailing   ",
  "",
];

describe("CLIP BPE tokenizer", () => {
  test("known ids of OpenAI CLIP: 'a photo of a cat'", () => {
    expect(tok.encode("a photo of a cat")).toEqual([49406, 320, 1125, 539, 320, 2368, 49407]);
  });

  test("same ids as Hugging Face's tokenizers.js on the same tokenizer.json", () => {
    const hf = new Tokenizer(JSON.parse(readFileSync(join(CLIP_DIR, "tokenizer.json"), "utf8")), JSON.parse(readFileSync(join(CLIP_DIR, "tokenizer_config.json"), "utf8")));
    for (const s of SAMPLES) expect({ s, ids: tok.encode(s) }).toEqual({ s, ids: hf.encode(s).ids });
  });

  test("lower case and whitespace do not change the ids", () => {
    expect(tok.encode("A   Photo\nOF a CAT")).toEqual(tok.encode("a photo of a cat"));
  });

  test("long text is cut to 77 with the end token kept", () => {
    const ids = tok.encode("word ".repeat(300));
    expect(ids).toHaveLength(CLIP_CONTEXT);
    expect(ids[0]).toBe(49406);
    expect(ids.at(-1)).toBe(49407);
  });

  test("batches are padded with the pad token and masked", () => {
    const { inputIds, attentionMask, length } = tok.encodeBatch(["a photo of a cat", "dog"]);
    expect(length).toBe(77);
    expect(inputIds).toHaveLength(2 * 77);
    expect(Array.from(inputIds.slice(0, 8), Number)).toEqual([49406, 320, 1125, 539, 320, 2368, 49407, tok.padId]);
    expect(tok.padId).toBe(49407); // tokenizer_config.json: pad_token <|endoftext|>
    expect(Array.from(attentionMask.slice(0, 8), Number)).toEqual([1, 1, 1, 1, 1, 1, 1, 0]);
    expect(Array.from(attentionMask.slice(77), Number).reduce((a, b) => a + b, 0)).toBe(tok.encode("dog").length);
  });

  test("tokenizer.json alone gives the same ids as vocab.json + merges.txt", () => {
    const dir = mkdtempSync(join(tmpdir(), "clip-tok-"));
    copyFileSync(join(CLIP_DIR, "tokenizer.json"), join(dir, "tokenizer.json"));
    const fromJson = loadClipTokenizer(dir);
    for (const s of SAMPLES) expect(fromJson.encode(s)).toEqual(tok.encode(s));
  });

  test("a folder without tokenizer files is refused with the reason", () => {
    expect(() => loadClipTokenizer(mkdtempSync(join(tmpdir(), "clip-none-")))).toThrow(/no CLIP tokenizer/);
  });
});
