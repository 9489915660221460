/**
 * The OpenAPI document, built from the same zod schemas the routes validate with, so the
 * document cannot drift from what the server accepts. Routes call `doc(...)` next to their
 * definition; GET /api/openapi.json serves the collected document.
 */
import { z } from "zod";

interface Operation {
  method: "get" | "post" | "put" | "patch" | "delete";
  path: string;
  summary: string;
  tag: string;
  query?: z.ZodObject;
  body?: z.ZodType;
  bodyType?: "json" | "multipart";
  responses: Record<number, string>;
}

const operations: Operation[] = [];

export function doc(op: Operation): void {
  if (!operations.some((o) => o.method === op.method && o.path === op.path)) operations.push(op);
}

const jsonSchema = (s: z.ZodType) => z.toJSONSchema(s, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;

export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    if (op.query)
      for (const [name, s] of Object.entries(op.query.shape))
        params.push({ name, in: "query", required: !(s as z.ZodType).safeParse(undefined).success, schema: jsonSchema(s as z.ZodType) as never });
    const responses = Object.fromEntries(
      Object.entries(op.responses).map(([code, description]) => [
        code,
        Number(code) >= 400 ? { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } } : { description },
      ]),
    );
    (paths[op.path] ??= {})[op.method] = {
      summary: op.summary,
      tags: [op.tag],
      parameters: params,
      ...(op.body
        ? { requestBody: { required: true, content: { [op.bodyType === "multipart" ? "multipart/form-data" : "application/json"]: { schema: jsonSchema(op.body) } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "Reelsmith API", version, description: "Index a clip library, search it by meaning, and produce compilation videos." },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: { error: { type: "object", required: ["code", "message"], properties: { code: { type: "string" }, message: { type: "string" }, details: {} } } },
        },
      },
    },
    paths,
  };
}
