/** The media store as a folder (default: REELSMITH_HOME/media); writes are atomic (temp + rename). */
import { copyFile, mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname, extname, join } from "node:path";
import { sha256File } from "../media/hash.ts";
import { assertKey, keyFor, MediaStoreError, type MediaStore, type StoredObject } from "./types.ts";

export class LocalMediaStore implements MediaStore {
  readonly kind = "local" as const;
  constructor(readonly root: string) {}

  get location(): string {
    return this.root;
  }

  private pathOf(key: string): string {
    assertKey(key);
    return join(this.root, key);
  }

  async putFile(path: string, opts: { ext?: string } = {}): Promise<StoredObject> {
    const info = await stat(path).catch((err) => {
      throw new MediaStoreError(`cannot read ${path}: ${(err as Error).message}`, "io", { cause: err });
    });
    const sha256 = await sha256File(path);
    const key = keyFor(sha256, opts.ext ?? extname(path));
    const created = await this.place(key, (tmp) => copyFile(path, tmp));
    return { key, sha256, size: info.size, created };
  }

  async putBytes(bytes: Uint8Array, ext = ""): Promise<StoredObject> {
    const sha256 = new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
    const key = keyFor(sha256, ext);
    const created = await this.place(key, async (tmp) => void (await Bun.write(tmp, bytes)));
    return { key, sha256, size: bytes.byteLength, created };
  }

  /** Writes through a temp file in the same folder and renames, so readers never see half a file. */
  private async place(key: string, write: (tmp: string) => Promise<void>): Promise<boolean> {
    const dest = this.pathOf(key);
    if (await this.exists(key)) return false;
    await mkdir(dirname(dest), { recursive: true });
    const tmp = `${dest}.${process.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`;
    try {
      await write(tmp);
      await rename(tmp, dest);
    } catch (err) {
      await rm(tmp, { force: true });
      throw new MediaStoreError(`cannot write ${key} under ${this.root}: ${(err as Error).message}`, "io", { cause: err });
    }
    return true;
  }

  async exists(key: string): Promise<boolean> {
    return Bun.file(this.pathOf(key)).exists();
  }

  async read(key: string): Promise<Uint8Array> {
    const f = Bun.file(this.pathOf(key));
    if (!(await f.exists())) throw new MediaStoreError(`no media object ${key} in ${this.root}`, "not_found");
    return new Uint8Array(await f.arrayBuffer());
  }

  async localPath(key: string): Promise<string> {
    const p = this.pathOf(key);
    if (!(await Bun.file(p).exists())) throw new MediaStoreError(`no media object ${key} in ${this.root}`, "not_found");
    return p;
  }

  url(key: string): string {
    return this.pathOf(key);
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async check(): Promise<{ ok: boolean; reason?: string }> {
    try {
      const probe = await this.putBytes(new TextEncoder().encode("reelsmith media store check"), ".txt");
      await this.read(probe.key);
      return { ok: true };
    } catch (err) {
      return { ok: false, reason: (err as Error).message };
    }
  }
}
