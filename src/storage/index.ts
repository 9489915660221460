/** Picks the media store from the configuration: S3 when S3_BUCKET (and its keys) are set, else a local folder. */
import { join } from "node:path";
import type { Config } from "../config.ts";
import { LocalMediaStore } from "./local.ts";
import { S3MediaStore } from "./s3.ts";
import type { MediaStore } from "./types.ts";

export type { MediaStore, StoredObject } from "./types.ts";
export { MediaStoreError } from "./types.ts";

/** The configured store. The config schema already requires bucket and both keys together. */
export function createMediaStore(config: Config): MediaStore {
  const env = config.env;
  if (config.s3Bucket && env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY) {
    return new S3MediaStore({
      bucket: config.s3Bucket,
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY,
      endpoint: env.S3_ENDPOINT,
      region: env.S3_REGION,
      cacheDir: join(config.home, "cache", "media"),
    });
  }
  return new LocalMediaStore(join(config.home, "media"));
}
