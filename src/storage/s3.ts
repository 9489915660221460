/**
 * The media store on S3 or an S3-compatible server, through Bun's built-in S3 client (no SDK).
 * Objects are keyed by content hash, so an upload is skipped when the key already exists, and
 * `localPath` downloads an object once into a local cache for ffmpeg.
 */
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname, extname, join } from "node:path";
import { S3Client } from "bun";
import { sha256File } from "../media/hash.ts";
import { assertKey, keyFor, MediaStoreError, type MediaStore, type StoredObject } from "./types.ts";

export interface S3StoreOptions {
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  endpoint?: string;
  region?: string;
  /** Key prefix inside the bucket (default "media/"). */
  prefix?: string;
  /** Folder for downloaded copies (localPath). */
  cacheDir: string;
}

export class S3MediaStore implements MediaStore {
  readonly kind = "s3" as const;
  private readonly client: S3Client;
  private readonly prefix: string;

  constructor(private readonly opts: S3StoreOptions) {
    this.client = new S3Client({
      bucket: opts.bucket,
      accessKeyId: opts.accessKeyId,
      secretAccessKey: opts.secretAccessKey,
      endpoint: opts.endpoint,
      region: opts.region,
    });
    this.prefix = opts.prefix ?? "media/";
  }

  get location(): string {
    return `s3://${this.opts.bucket}/${this.prefix}${this.opts.endpoint ? ` at ${this.opts.endpoint}` : ""}`;
  }

  private objectKey(key: string): string {
    assertKey(key);
    return `${this.prefix}${key}`;
  }

  /** Errors name the bucket and the S3 code (NoSuchBucket, AccessDenied, …) or the network reason. */
  private fail(action: string, key: string, err: unknown): never {
    const e = err as { code?: string; message?: string };
    const notFound = e.code === "NoSuchKey" || e.code === "ERR_S3_FILE_NOT_FOUND" || /not ?found|NoSuchKey/i.test(e.message ?? "");
    throw new MediaStoreError(`S3 ${action} ${key} in ${this.location}: ${e.code ? `${e.code}: ` : ""}${e.message ?? String(err)}`, notFound ? "not_found" : "unreachable", { cause: err });
  }

  async putFile(path: string, opts: { ext?: string; contentType?: string } = {}): Promise<StoredObject> {
    const file = Bun.file(path);
    if (!(await file.exists())) throw new MediaStoreError(`cannot read ${path}: no such file`, "io");
    const sha256 = await sha256File(path);
    const key = keyFor(sha256, opts.ext ?? extname(path));
    if (await this.exists(key)) return { key, sha256, size: file.size, created: false };
    // Bun streams a BunFile body and switches to a multipart upload for large files.
    await this.client.write(this.objectKey(key), file, { type: opts.contentType ?? (file.type || "application/octet-stream") }).catch((err) => this.fail("upload", key, err));
    return { key, sha256, size: file.size, created: true };
  }

  async putBytes(bytes: Uint8Array, ext = "", contentType = "application/octet-stream"): Promise<StoredObject> {
    const sha256 = new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
    const key = keyFor(sha256, ext);
    if (await this.exists(key)) return { key, sha256, size: bytes.byteLength, created: false };
    await this.client.write(this.objectKey(key), bytes, { type: contentType }).catch((err) => this.fail("upload", key, err));
    return { key, sha256, size: bytes.byteLength, created: true };
  }

  async exists(key: string): Promise<boolean> {
    return this.client.exists(this.objectKey(key)).catch((err) => this.fail("check", key, err));
  }

  async read(key: string): Promise<Uint8Array> {
    const bytes = await this.client
      .file(this.objectKey(key))
      .arrayBuffer()
      .catch((err) => this.fail("download", key, err));
    return new Uint8Array(bytes);
  }

  async localPath(key: string): Promise<string> {
    const dest = join(this.opts.cacheDir, key);
    if (await Bun.file(dest).exists()) return dest;
    await mkdir(dirname(dest), { recursive: true });
    const tmp = `${dest}.${process.pid}.tmp`;
    try {
      await Bun.write(tmp, this.client.file(this.objectKey(key)));
      await rename(tmp, dest);
    } catch (err) {
      await rm(tmp, { force: true });
      this.fail("download", key, err);
    }
    return dest;
  }

  url(key: string, expiresInSeconds = 3600): string {
    return this.client.presign(this.objectKey(key), { method: "GET", expiresIn: expiresInSeconds });
  }

  async delete(key: string): Promise<void> {
    await this.client.delete(this.objectKey(key)).catch((err) => this.fail("delete", key, err));
  }

  async check(): Promise<{ ok: boolean; reason?: string }> {
    try {
      // Listing one key proves the bucket exists and the credentials may read it; writing the
      // same small probe object (content-addressed, so one object ever) proves they may write.
      await this.client.list({ prefix: this.prefix, maxKeys: 1 });
      const probe = await this.putBytes(new TextEncoder().encode("reelsmith media store check"), ".txt", "text/plain");
      await this.read(probe.key);
      return { ok: true };
    } catch (err) {
      const e = err as { code?: string; message?: string };
      return { ok: false, reason: `${e.code ? `${e.code}: ` : ""}${e.message ?? String(err)}` };
    }
  }
}
