import { createReadStream } from "node:fs";

/** Streams a file through SHA-256 (constant memory, any size); returns lower-case hex. */
export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hasher = new Bun.CryptoHasher("sha256");
  const stream = createReadStream(path, { highWaterMark: 1 << 20, signal });
  for await (const chunk of stream) hasher.update(chunk as Buffer);
  return hasher.digest("hex");
}
