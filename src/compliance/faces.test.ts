/**
 * Faces and consent: a GRID speaker clip (one person filling the frame, CC-BY) indexed without
 * consent carries a "faces" issue with the face's box and is not cleared; the same clip with
 * consent from the command line, the sheet or a sidecar is cleared; a clip with no person gets
 * no faces issue. The consent readers are checked on real files.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp, type AppContext } from "../app.ts";
import { loadConfig } from "../config.ts";
import { ManifestError, readManifest } from "../indexing/inputs.ts";
import { indexFiles, type IndexOptions } from "../indexing/service.ts";
import { createIndexSteps } from "../indexing/steps.ts";
import { faceConsentIssue, identifiableFaces, parseConsent, sidecarConsent } from "./faces.ts";
import { readSidecars } from "./sidecar.ts";

const CLIPS = join(import.meta.dir, "..", "..", "..", "shared", "corpus", "clips");
let dir: string;
const apps: AppContext[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "reelsmith-faces-"));
});
afterAll(async () => {
  for (const a of apps) await a.close();
});

/** Indexes one file into a fresh home and returns its stored row. */
async function indexOne(file: string, opts: IndexOptions = {}) {
  const app = await createApp(loadConfig({ REELSMITH_HOME: mkdtempSync(join(dir, "home-")), LOG_LEVEL: "error" }));
  apps.push(app);
  const steps = await createIndexSteps(app);
  const s = await indexFiles(app, [file], steps.actors, { license: "CC-BY-4.0", ...opts });
  await steps.dispose();
  expect(s.failed).toEqual([]);
  return (await app.clips.get(s.indexed[0]!.clip_id))!;
}

describe("consent values and sidecars", () => {
  test("yes/no spellings and PLUS model-release codes", () => {
    for (const v of ["yes", "Y", "true", "released", "On file", "MR-UMR", "http://ns.useplus.org/ldf/vocab/MR-NAP", true]) expect(parseConsent(v)).toBe(true);
    for (const v of ["no", "FALSE", "0", "none", "MR-NON", "http://ns.useplus.org/ldf/vocab/MR-LMR", false]) expect(parseConsent(v)).toBe(false);
    for (const v of ["maybe", "", 3, null]) expect(parseConsent(v)).toBeUndefined();
  });

  test("JSON, text and XMP sidecars are read; a sidecar without consent says nothing", async () => {
    const sub = join(dir, "sidecars");
    mkdirSync(sub);
    writeFileSync(join(sub, "a.json"), JSON.stringify({ license: "CC0", model_release: "yes" }));
    writeFileSync(join(sub, "b.txt"), "License: CC-BY-4.0\nConsent: no\n");
    writeFileSync(join(sub, "c.xmp"), `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:plus="http://ns.useplus.org/ldf/xmp/1.0/" plus:ModelReleaseStatus="http://ns.useplus.org/ldf/vocab/MR-UMR"/></rdf:RDF></x:xmpmeta>`);
    writeFileSync(join(sub, "d.json"), JSON.stringify({ license: "CC0" }));
    expect(sidecarConsent(await readSidecars(join(sub, "a.mp4")))).toEqual({ cleared: true, origin: "sidecar a.json" });
    expect(sidecarConsent(await readSidecars(join(sub, "b.mp4")))).toEqual({ cleared: false, origin: "sidecar b.txt" });
    expect(sidecarConsent(await readSidecars(join(sub, "c.mp4")))).toEqual({ cleared: true, origin: "sidecar c.xmp" });
    expect(sidecarConsent(await readSidecars(join(sub, "d.mp4")))).toBeNull();
  });

  test("a sheet's consent column is read per row; a value that is neither yes nor no is refused with its row", async () => {
    const good = join(dir, "sheet.tsv");
    writeFileSync(good, "file\tlicense\tconsent\na.mp4\tCC0\tyes\nb.mp4\tCC0\tno\nc.mp4\tCC0\t\n");
    const m = await readManifest(good);
    expect([m.get("a.mp4")!.consent, m.get("b.mp4")!.consent, m.get("c.mp4")!.consent]).toEqual([true, false, undefined]);
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, "file,license,model_release\na.mp4,CC0,maybe\n");
    const err = await readManifest(bad).catch((e: Error) => e);
    expect(err).toBeInstanceOf(ManifestError);
    expect((err as Error).message).toBe(`manifest ${bad}: row 2: model_release "maybe" is neither yes nor no`);
  });

  test("the rule: small or unsure faces are not identifiable; consent clears; refusal is named", () => {
    const big = { confidence: 0.9, bbox: [0.4, 0.2, 0.2, 0.3] as [number, number, number, number], time: 1 };
    const tiny = { confidence: 0.95, bbox: [0.1, 0.1, 0.02, 0.03] as [number, number, number, number], time: 1 };
    const unsure = { confidence: 0.65, bbox: [0.4, 0.2, 0.2, 0.3] as [number, number, number, number], time: 1 };
    expect(identifiableFaces([big, tiny, unsure])).toEqual([big]);
    expect(faceConsentIssue([tiny, unsure], 2, null)).toBeNull();
    expect(faceConsentIssue([big], 1, { cleared: true, origin: "manifest" })).toBeNull();
    expect(faceConsentIssue([big], 1, { cleared: false, origin: "manifest" })!.reason).toBe("1 identifiable face (the largest 30% of the frame height at 1.0 s) and consent refused (manifest)");
  });
});

describe("indexing real clips", () => {
  const speaker = () => {
    const p = join(dir, "grid_speaker_bbaf2n.mpg");
    copyFileSync(join(CLIPS, "grid_speaker_bbaf2n.mpg"), p);
    return p;
  };

  test("a speaker clip without consent is flagged for faces with the face's box, and not cleared", async () => {
    const clip = await indexOne(speaker());
    const issue = clip.rightsIssues.find((i) => i.kind === "faces")!;
    expect(issue.reason).toMatch(/^1 identifiable face \(the largest \d+% of the frame height at [\d.]+ s\) and no consent on record/);
    const [x, , w, h] = issue.evidence!.box!;
    // GRID frames the speaker in the middle, the face well above the identifiable size.
    expect(Math.abs(x + w / 2 - 0.5)).toBeLessThan(0.15);
    expect(h).toBeGreaterThan(0.15);
    expect(clip.rightsCleared).toBe(false);
    expect(clip.rightsConfidence).toBe(0.75);
    expect(clip.rightsReason).toContain("identifiable face");
  }, 300_000);

  test("consent from the command line clears it and is recorded", async () => {
    const clip = await indexOne(speaker(), { consent: true });
    expect(clip.rightsIssues).toEqual([]);
    expect(clip.rightsCleared).toBe(true);
    expect((clip.customMetadata as Record<string, unknown>).face_consent).toBe("given (command line)");
  }, 300_000);

  test("consent from a sidecar clears it; a refusal in the sheet keeps the flag and says so", async () => {
    const p = speaker();
    writeFileSync(p.replace(/\.mpg$/, ".json"), JSON.stringify({ consent: "yes" }));
    const cleared = await indexOne(p);
    expect(cleared.rightsCleared).toBe(true);
    expect((cleared.customMetadata as Record<string, unknown>).face_consent).toBe("given (sidecar grid_speaker_bbaf2n.json)");
    const sheet = join(dir, "refused.tsv");
    writeFileSync(sheet, "file\tlicense\tconsent\ngrid_speaker_bbaf2n.mpg\tCC-BY-4.0\tno\n");
    const refused = await indexOne(p, { license: undefined, manifest: sheet });
    expect(refused.rightsIssues.find((i) => i.kind === "faces")!.reason).toMatch(/consent refused \(manifest\)$/);
    expect(refused.rightsCleared).toBe(false);
  }, 300_000);

  test("a clip with no person has no faces issue", async () => {
    const clip = await indexOne(join(CLIPS, "flutter_bee_on_flower.mp4"));
    expect(clip.faceCount).toBe(0);
    expect(clip.rightsIssues.filter((i) => i.kind === "faces")).toEqual([]);
    expect(clip.rightsCleared).toBe(true);
  }, 300_000);
});
