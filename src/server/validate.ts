/** Request parsing with zod: a bad body or query is a 400 naming the field. */
import type { Context } from "hono";
import type { z } from "zod";
import { ApiError, fromZod } from "./errors.ts";

export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let raw: unknown;
  const text = await c.req.text();
  try {
    raw = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "the request body is not valid JSON");
  }
  const r = schema.safeParse(raw);
  if (!r.success) throw fromZod(r.error, "body");
  return r.data;
}

export function queryOf<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  const r = schema.safeParse(c.req.query());
  if (!r.success) throw fromZod(r.error, "query");
  return r.data;
}

/** "true"/"false"/"1"/"0" from a query string. */
export const queryBool = (v: unknown) => (v === "true" || v === "1" ? true : v === "false" || v === "0" ? false : v);
