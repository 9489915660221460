/**
 * One error shape for the API: {error: {code, message, details?}} with a 4xx/5xx status. Routes
 * throw ApiError (or let zod throw); the handler in app.ts turns both into that shape.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const notFound = (what: string, id: string) => new ApiError(404, "not_found", `no ${what} "${id}"`);

/** A zod error as a 400 naming the first bad field; every issue goes in details. */
export function fromZod(err: z.ZodError, where: "body" | "query" | "form" | "params" = "body"): ApiError {
  const first = err.issues[0];
  const field = first?.path.length ? first.path.join(".") : where;
  return new ApiError(
    400,
    "invalid_request",
    `${field}: ${first?.message ?? "invalid"}`,
    err.issues.map((i) => ({ field: i.path.join(".") || where, message: i.message })),
  );
}

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}
