import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadWhisperVocab } from "./tokens.ts";

const dir = mkdtempSync(join(tmpdir(), "reelsmith-whisper-tok-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("byte-level pieces decode to UTF-8; specials are skipped; timestamp ids follow <|notimestamps|> when tokenizer.json omits them", () => {
  const path = join(dir, "tokenizer.json");
  // "Ġcaf" + "Ã©" is " café" in GPT-2's byte-to-unicode mapping (é = C3 A9).
  writeFileSync(path, JSON.stringify({ model: { vocab: { "Ġcaf": 0, "Ã©": 1, "!": 2 } }, added_tokens: [{ id: 10, content: "<|endoftext|>" }, { id: 11, content: "<|startoftranscript|>" }, { id: 12, content: "<|notimestamps|>" }] }));
  const v = loadWhisperVocab(path);
  expect(v.decode([11, 0, 1, 2, 10])).toBe(" café!");
  expect(v.eot).toBe(10);
  expect(v.sot).toBe(11);
  expect(v.langTask).toEqual([]);
  expect(v.timestamps.get(13)).toBe(0);
  expect(v.timestamps.get(13 + 50)).toBe(1);
  expect(v.timestamps.get(13 + 1500)).toBe(30);
  expect(v.size).toBe(13 + 1501);
});

test("a tokenizer.json without the start token is refused with the reason", () => {
  const path = join(dir, "bad.json");
  writeFileSync(path, JSON.stringify({ model: { vocab: { a: 0 } }, added_tokens: [{ id: 1, content: "<|endoftext|>" }] }));
  expect(() => loadWhisperVocab(path)).toThrow(/no <\|startoftranscript\|> token/);
});
