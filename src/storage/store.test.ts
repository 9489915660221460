/**
 * The media store's shared suite: the local folder always; S3 when S3_BUCKET, S3_ACCESS_KEY_ID
 * and S3_SECRET_ACCESS_KEY (and S3_ENDPOINT for MinIO or another S3-compatible server) are set,
 * reported as skipped otherwise. Real bytes: a corpus clip.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../app.ts";
import { loadConfig } from "../config.ts";
import { createProduction } from "../production/service.ts";
import { publishProduction } from "./publish.ts";
import { sha256File } from "../media/hash.ts";
import { CLIPS } from "../../tests/support/cli.ts";
import { createMediaStore } from "./index.ts";
import { LocalMediaStore } from "./local.ts";
import { S3MediaStore } from "./s3.ts";
import { MediaStoreError, type MediaStore } from "./types.ts";

const env = process.env;
const s3Configured = Boolean(env.S3_BUCKET && env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY);
const tmp = mkdtempSync(join(tmpdir(), "reelsmith-store-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const STORES: { name: string; enabled: boolean; make: () => MediaStore }[] = [
  { name: "local", enabled: true, make: () => new LocalMediaStore(join(tmp, "media")) },
  {
    name: "s3",
    enabled: s3Configured,
    make: () =>
      new S3MediaStore({
        bucket: env.S3_BUCKET!,
        accessKeyId: env.S3_ACCESS_KEY_ID!,
        secretAccessKey: env.S3_SECRET_ACCESS_KEY!,
        endpoint: env.S3_ENDPOINT,
        region: env.S3_REGION,
        // A prefix of its own: runs never collide, and the objects are deleted afterwards.
        prefix: `reelsmith-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}/`,
        cacheDir: join(tmp, "s3-cache"),
      }),
  },
];

const CLIP = join(CLIPS, "blender_bbb_meadow_2s.mp4");

for (const s of STORES) {
  describe.skipIf(!s.enabled)(`media store: ${s.name}`, () => {
    const store = s.enabled ? s.make() : (undefined as unknown as MediaStore);
    const made: string[] = [];
    afterAll(async () => {
      for (const k of made) await store.delete(k);
    });

    test("a file is stored under its SHA-256 once; the same bytes again are not stored twice", async () => {
      const sha = await sha256File(CLIP);
      const a = await store.putFile(CLIP);
      made.push(a.key);
      expect(a).toEqual({ key: `${sha.slice(0, 2)}/${sha}.mp4`, sha256: sha, size: Bun.file(CLIP).size, created: true });
      const again = await store.putFile(CLIP);
      expect(again).toEqual({ ...a, created: false });
      expect(await store.exists(a.key)).toBe(true);
    });

    test("read, localPath and url give the same bytes back", async () => {
      const sha = await sha256File(CLIP);
      const { key } = await store.putFile(CLIP);
      expect(new Bun.CryptoHasher("sha256").update(await store.read(key)).digest("hex")).toBe(sha);
      const local = await store.localPath(key);
      expect(await sha256File(local)).toBe(sha);
      const url = store.url(key);
      if (store.kind === "s3") {
        const res = await fetch(url);
        expect(res.status).toBe(200);
        expect(new Bun.CryptoHasher("sha256").update(new Uint8Array(await res.arrayBuffer())).digest("hex")).toBe(sha);
      } else expect(await sha256File(url)).toBe(sha);
    });

    test("bytes, deletion, missing objects and bad keys", async () => {
      const bytes = new TextEncoder().encode(`thumbnail ${Math.random()}`);
      const obj = await store.putBytes(bytes, ".JPG", "image/jpeg");
      made.push(obj.key);
      expect(obj.key.endsWith(".jpg")).toBe(true);
      expect(await store.read(obj.key)).toEqual(bytes);
      await store.delete(obj.key);
      expect(await store.exists(obj.key)).toBe(false);
      const missing = await store.read(obj.key).catch((e) => e);
      expect(missing).toBeInstanceOf(MediaStoreError);
      expect(missing.code).toBe("not_found");
      for (const bad of ["../etc/passwd", "ab/../../x", "ab/notahash.mp4", ""]) expect(() => store.url(bad)).toThrow(/not a media key/);
    });

    test("a finished production's files are published to the store and their keys recorded", async () => {
      const home = join(tmp, `pub-${s.name}`);
      const app = await createApp(loadConfig({ REELSMITH_HOME: home, LOG_LEVEL: "error" }));
      try {
        const row = await createProduction(app, { theme: "store test", target_duration: 30 });
        const dir = join(home, "productions", row.productionId);
        mkdirSync(dir, { recursive: true });
        copyFileSync(CLIP, join(dir, `${row.productionId}.mp4`));
        writeFileSync(join(dir, `${row.productionId}.srt`), "1\n00:00:00,000 --> 00:00:01,000\nhello\n");
        writeFileSync(join(dir, "segment-0.mp4.tmp"), "half a file");
        const media = await publishProduction(app, store, row.productionId);
        expect(Object.keys(media.objects).sort()).toEqual([`${row.productionId}.mp4`, `${row.productionId}.srt`]);
        made.push(...Object.values(media.objects));
        expect(media.objects[`${row.productionId}.mp4`]).toBe((await store.putFile(CLIP)).key);
        for (const key of Object.values(media.objects)) expect(await store.exists(key)).toBe(true);
        const after = (await app.productions.get(row.productionId))!.artifacts as { media?: unknown; request?: unknown };
        expect(after.media).toEqual(media);
        expect(after.request).toBeDefined();
      } finally {
        await app.close();
      }
    });

    test("check reports a working store", async () => {
      expect(await store.check()).toEqual({ ok: true });
    });
  });
}

test("the configuration picks the store: a folder under REELSMITH_HOME, or S3 when its settings are set", () => {
  const local = createMediaStore(loadConfig({ REELSMITH_HOME: tmp }));
  expect(local.kind).toBe("local");
  expect(local.location).toBe(join(tmp, "media"));
  const s3 = createMediaStore(loadConfig({ REELSMITH_HOME: tmp, S3_BUCKET: "b", S3_ACCESS_KEY_ID: "k", S3_SECRET_ACCESS_KEY: "s", S3_ENDPOINT: "http://127.0.0.1:9" }));
  expect(s3.kind).toBe("s3");
  expect(s3.location).toBe("s3://b/media/ at http://127.0.0.1:9");
});

test("an unreachable S3 endpoint is reported with the reason, not thrown", async () => {
  const store = new S3MediaStore({ bucket: "b", accessKeyId: "k", secretAccessKey: "s", endpoint: "http://127.0.0.1:9", cacheDir: tmp });
  const r = await store.check();
  expect(r.ok).toBe(false);
  expect(r.reason).toBeTruthy();
});
