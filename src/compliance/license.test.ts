/**
 * Where a clip's licence comes from, on real clips: container tags (license, a comment that names
 * a licence), a sidecar beside the file (JSON, text, XMP), or nothing — and the verdict each gives.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp, type AppContext } from "../app.ts";
import { loadConfig } from "../config.ts";
import { indexFiles } from "../indexing/service.ts";
import { createIndexSteps } from "../indexing/steps.ts";
import { runMedia } from "../media/exec.ts";

const SOURCE = join(import.meta.dir, "..", "..", "..", "shared", "corpus", "clips", "blender_bbb_meadow_2s.mp4");
let dir: string;
let app: AppContext;
const copies: Record<string, string> = {};

async function copy(name: string, metadata: string[]) {
  const out = join(dir, `${name}.mp4`);
  // A title per copy keeps the bytes distinct (identical files would be skipped as duplicates);
  // use_metadata_tags lets MP4 carry keys beyond its fixed set, such as "license".
  await runMedia(["ffmpeg", "-v", "error", "-y", "-i", SOURCE, "-c", "copy", "-map_metadata", "-1", "-metadata", `title=${name}`, ...metadata.flatMap((m) => ["-metadata", m]), "-movflags", "use_metadata_tags", out]);
  copies[name] = out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "reelsmith-licence-"));
  await copy("tagged_cc0", ["license=CC0-1.0"]);
  await copy("tagged_reserved", ["license=All rights reserved"]);
  await copy("commented_ccby", ["comment=Licensed under CC BY 4.0", "artist=Jane Doe"]);
  await copy("nothing", []);
  await copy("json_sidecar", []);
  writeFileSync(join(dir, "json_sidecar.json"), JSON.stringify({ license: "CC-BY-4.0", attribution: "Blender Foundation" }));
  await copy("xmp_sidecar", []);
  writeFileSync(
    join(dir, "xmp_sidecar.xmp"),
    `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/" xmlns:dc="http://purl.org/dc/elements/1.1/"><xmpRights:UsageTerms><rdf:Alt><rdf:li xml:lang="x-default">Public Domain</rdf:li></rdf:Alt></xmpRights:UsageTerms><dc:creator><rdf:Seq><rdf:li>Someone</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>`,
  );
  await copy("txt_sidecar", []);
  writeFileSync(join(dir, "txt_sidecar.txt"), "Shot on 2026-11-01\nLicense: proprietary-cleared\nCredit: Acme Stock\n");
  app = await createApp(loadConfig({ REELSMITH_HOME: join(dir, "home"), LOG_LEVEL: "error" }));
}, 120_000);
afterAll(async () => app?.close());

test("licence from tags, a comment, JSON/XMP/text sidecars or nowhere, each with its verdict and origin", async () => {
  const steps = await createIndexSteps(app);
  const s = await indexFiles(app, Object.values(copies), steps.actors, { concurrency: 2 });
  await steps.dispose();
  expect(s.failed).toEqual([]);
  expect(s.indexed).toHaveLength(Object.keys(copies).length);
  const rows = new Map(await Promise.all(s.indexed.map(async (i) => [i.file.split("/").pop()!, (await app.clips.get(i.clip_id))!] as const)));
  const get = (k: string) => rows.get(`${k}.mp4`)!;
  expect([get("tagged_cc0").rightsCleared, get("tagged_cc0").rightsReason]).toEqual([true, "licence CC0 is approved (licence from container metadata)"]);
  expect(get("tagged_reserved").rightsCleared).toBe(false);
  expect(get("tagged_reserved").rightsReason).toMatch(/All rights reserved is not in the approved list/);
  expect(get("tagged_reserved").rightsIssues).toEqual([{ kind: "license", reason: expect.stringContaining("not in the approved list") }]);
  expect(get("tagged_reserved").rightsConfidence).toBe(0.75);
  expect(get("commented_ccby").rightsCleared).toBe(true);
  expect(get("commented_ccby").attribution).toBe("Jane Doe");
  expect(get("nothing").rightsCleared).toBe(false);
  expect(get("nothing").rightsReason).toMatch(/licence unknown/);
  expect(get("json_sidecar").rightsReason).toContain("sidecar json_sidecar.json");
  expect([get("json_sidecar").rightsCleared, get("json_sidecar").attribution]).toEqual([true, "Blender Foundation"]);
  expect(get("xmp_sidecar").rightsCleared).toBe(true);
  expect(get("xmp_sidecar").rightsReason).toContain("sidecar xmp_sidecar.xmp");
  expect(get("txt_sidecar").rightsCleared).toBe(true);
  expect(get("txt_sidecar").license).toBe("proprietary-cleared");
}, 300_000);
