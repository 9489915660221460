import { describe, expect, test } from "bun:test";
import { filterOcrLines, OCR_MIN_CONFIDENCE } from "./ocr.ts";
import { contentTypeFor, fetchFileUrl } from "./tfjs-file-fetch.ts";

const frame = { width: 320, height: 180, time: 2 };

describe("filterOcrLines", () => {
  test("keeps confident lines with a relative box; drops low confidence, punctuation and lone noise", () => {
    const out = filterOcrLines(
      [
        { text: " 01:00:02:00 ", mean: 0.99, box: [[32, 18], [160, 18], [160, 36], [32, 36]] },
        { text: "回②", mean: 0.64 },
        { text: "...:", mean: 0.95 },
        { text: "x", mean: 0.85 },
        { text: "7", mean: 0.97 },
        { text: "wotch", mean: OCR_MIN_CONFIDENCE - 0.01 },
      ],
      frame,
    );
    expect(out).toEqual([
      { text: "01:00:02:00", confidence: 0.99, time: 2, bbox: [0.1, 0.1, 0.4, 0.1] },
      { text: "7", confidence: 0.97, time: 2, bbox: undefined },
    ]);
  });
});

describe("file:// fetch shim for tfjs", () => {
  test("serves a package file with the content type tfjs checks, 404 for a missing one", async () => {
    const ok = await fetchFileUrl(`file://${import.meta.dir}/../../node_modules/@vladmandic/human/models/centernet.json`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("application/json");
    expect(((await ok.json()) as { format?: string }).format).toBe("graph-model");
    expect((await fetchFileUrl("file:///nonexistent/model.bin")).status).toBe(404);
    expect(contentTypeFor("x/tfjs-backend-wasm-simd.wasm")).toBe("application/wasm");
  });
});
