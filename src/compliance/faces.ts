/**
 * Faces and consent. A clip showing an identifiable face may not be published without the
 * person's consent (a model release), whatever its copyright licence says: CC-BY covers the
 * footage, not the likeness. So a clip with an identifiable face carries a "faces" rights issue
 * unless consent is on record, from (first found wins):
 *   - the index request: `reelsmith index --consent` or `"consent": true` in POST /api/clips/index;
 *   - the licence sheet: a `consent`, `model_release` or `face_consent` column (yes/no);
 *   - a sidecar beside the clip: `"consent"` / `"model_release"` in `<clip>.json`,
 *     "Consent: yes" / "Model release: yes" in `<clip>.txt`, or the PLUS ModelReleaseStatus in
 *     `<clip>.xmp` (MR-UMR unlimited releases or MR-NAP not applicable clear it; MR-NON,
 *     MR-LMR do not).
 * A person can still clear the clip afterwards with the manual override (PATCH /api/clips/{id}).
 */
import { basename } from "node:path";
import type { RightsIssueJson } from "../db/json-types.ts";
import { FACE_MIN_CONFIDENCE } from "../inference/human.ts";
import { xmpValue, type Sidecar } from "./sidecar.ts";

/**
 * A face counts as identifiable when its box is at least this share of the frame's height:
 * 0.06 is ~43 px at 720p, about where face-recognition systems stop working and a viewer
 * stops telling people apart. A crowd far away in a plaza stays below it.
 */
export const IDENTIFIABLE_FACE_HEIGHT = 0.06;

export interface FaceBox {
  confidence: number;
  /** Relative to the frame: x, y, width, height (0..1). */
  bbox: [number, number, number, number];
  time: number;
}

export interface Consent {
  cleared: boolean;
  /** Where it was said: "command line", "manifest", "sidecar clip.json", "request". */
  origin: string;
}

/** Reads a yes/no consent value as sheets and sidecars write it; undefined when it says neither. */
export function parseConsent(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value !== "string") return undefined;
  const v = value.trim().toLowerCase();
  // PLUS ModelReleaseStatus codes, bare or as vocabulary URIs.
  if (/mr-(umr|nap)$/.test(v)) return true;
  if (/mr-(non|lmr|uup)$/.test(v)) return false;
  if (["yes", "y", "true", "1", "granted", "given", "released", "signed", "cleared", "on file"].includes(v)) return true;
  if (["no", "n", "false", "0", "none", "refused", "withdrawn", "missing", "not cleared"].includes(v)) return false;
  return undefined;
}

/** The consent columns a licence sheet may carry, in the order they are read. */
export const CONSENT_COLUMNS = ["consent", "model_release", "face_consent"] as const;


/** Consent written in a sidecar beside the clip (JSON, text or XMP), or null when none says. */
export function sidecarConsent(sidecars: Sidecar[]): Consent | null {
  for (const { kind, file, raw, json } of sidecars) {
    let value: boolean | undefined;
    if (kind === "json") value = CONSENT_COLUMNS.map((k) => parseConsent(json?.[k])).find((v) => v !== undefined);
    else if (kind === "txt") value = parseConsent(/^\s*(?:consent|model[ _-]?release|face[ _-]?consent)\s*[:=]\s*(.+)$/im.exec(raw)?.[1]);
    else value = parseConsent(xmpValue(raw, "plus:ModelReleaseStatus") ?? /plus:ModelReleaseStatus[^>]*rdf:resource="([^"]+)"/.exec(raw)?.[1]);
    if (value !== undefined) return { cleared: value, origin: `sidecar ${basename(file)}` };
  }
  return null;
}

/** The faces a viewer could recognise: confident and large enough. */
export function identifiableFaces(boxes: FaceBox[]): FaceBox[] {
  return boxes.filter((f) => f.confidence >= FACE_MIN_CONFIDENCE && f.bbox[3] >= IDENTIFIABLE_FACE_HEIGHT);
}

/**
 * The "faces" rights issue, or null: identifiable faces and no consent on record. The evidence
 * is the largest face (its time and box); the reason says how to clear it.
 */
export function faceConsentIssue(boxes: FaceBox[], count: number, consent: Consent | null): RightsIssueJson | null {
  const faces = identifiableFaces(boxes);
  if (!faces.length || consent?.cleared) return null;
  const largest = faces.reduce((a, b) => (b.bbox[3] > a.bbox[3] ? b : a));
  const n = Math.max(count, 1);
  const why = consent ? `consent refused (${consent.origin})` : "no consent on record (index with --consent, a consent column in the sheet, or a model release in a sidecar)";
  return {
    kind: "faces",
    reason: `${n} identifiable face${n === 1 ? "" : "s"} (the largest ${Math.round(largest.bbox[3] * 100)}% of the frame height at ${largest.time.toFixed(1)} s) and ${why}`,
    evidence: { time: largest.time, box: largest.bbox, score: largest.confidence },
  };
}
