/**
 * The media store: where clip files, renders and thumbnails live as objects. Content-addressed —
 * an object's key is its SHA-256 — so the same bytes are stored once, an upload can be skipped
 * when the key exists, and a key never points at changed bytes. Two implementations: a local
 * folder under REELSMITH_HOME (default) and S3 or any S3-compatible server (MinIO, R2…).
 */

export interface StoredObject {
  /** "ab/ab12…ef.mp4": the first two hex digits fan the objects out over 256 folders/prefixes. */
  key: string;
  sha256: string;
  size: number;
  /** False when the object was already there (same bytes stored before). */
  created: boolean;
}

export interface MediaStore {
  readonly kind: "local" | "s3";
  /** Where the objects are, for messages (a folder, or s3://bucket at an endpoint). */
  readonly location: string;
  /** Stores a file's bytes under their hash (streamed; the file can be large). */
  putFile(path: string, opts?: { ext?: string; contentType?: string }): Promise<StoredObject>;
  putBytes(bytes: Uint8Array, ext?: string, contentType?: string): Promise<StoredObject>;
  exists(key: string): Promise<boolean>;
  /** The object's bytes; throws MediaStoreError (code "not_found") when there is none. */
  read(key: string): Promise<Uint8Array>;
  /** A local file with the object's bytes, for ffmpeg (S3 objects are downloaded once into a cache). */
  localPath(key: string): Promise<string>;
  /** Where a client can fetch it: a file path locally, a presigned GET URL on S3. */
  url(key: string, expiresInSeconds?: number): string;
  delete(key: string): Promise<void>;
  /** Reachable and writable? Never throws: the reason says what is wrong. */
  check(): Promise<{ ok: boolean; reason?: string }>;
}

export class MediaStoreError extends Error {
  constructor(
    message: string,
    readonly code: "not_found" | "bad_key" | "unreachable" | "io",
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "MediaStoreError";
  }
}

const KEY = /^[0-9a-f]{2}\/[0-9a-f]{64}(\.[a-z0-9]{1,8})?$/;

/** Checks a key's form (no traversal, no other names): keys come from clients too. */
export function assertKey(key: string): void {
  if (!KEY.test(key)) throw new MediaStoreError(`not a media key: ${JSON.stringify(key)} (expected "ab/<sha256>.ext")`, "bad_key");
}

/** The key for bytes with this hash and extension (".MP4" → ".mp4"; odd extensions dropped). */
export function keyFor(sha256: string, ext = ""): string {
  const e = ext.toLowerCase();
  return `${sha256.slice(0, 2)}/${sha256}${/^\.[a-z0-9]{1,8}$/.test(e) ? e : ""}`;
}
