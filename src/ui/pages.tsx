/** @jsxImportSource hono/jsx */
/**
 * The page routes of the htmx UI. They call the same operations as the REST API
 * (src/server/operations.ts, src/production/review.ts): no business logic lives here, only
 * reading forms and choosing what to render. Expected refusals (a cut that fails QA, a bad form)
 * come back as 200 fragments with the reason, so htmx swaps them in where the person acted.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { readdir } from "node:fs/promises";
import { z } from "zod";
import { productionJson } from "../cli/commands/produce.ts";
import { EMOTIONAL_TONES } from "../db/enums.ts";
import type { ClipRow } from "../db/repositories/clips.ts";
import { getReview, ReviewError, reviewEditSchema, updateReview } from "../production/review.ts";
import { createProductionServices } from "../production/services-impl.ts";
import { searchClips } from "../search/service.ts";
import { productionDir, SETTLED } from "../server/api/productions.ts";
import { approve, reject } from "../server/api/review.ts";
import { clearSession, requireUser, setSession } from "../server/auth.ts";
import { ApiError } from "../server/errors.ts";
import { clip as getClip, clipsByIds, dashboardStats, patchClip, productionRequestBody, saveUpload, startIndex, startProduction, taskStatus } from "../server/operations.ts";
import type { ServerEnv } from "../server/types.ts";
import {
  ClipGrid,
  ClipPage,
  CutEditor,
  DashboardPage,
  ErrorBox,
  Layout,
  LibraryPage,
  LoginPage,
  ProduceForm,
  ProductionPage,
  ProductionsList,
  ProgressPanel,
  ResultPanel,
  ReviewPage,
  RightsPanel,
  TaskStatus,
  type ResultView,
} from "./views.tsx";

type C = Context<ServerEnv>;

async function page(c: C, title: string, body: unknown, status: 200 | 400 | 401 | 404 = 200) {
  const html = await (
    <Layout title={title} user={c.var.user} csrf={c.var.csrf} path={c.req.path}>
      {body as never}
    </Layout>
  ).toString();
  // Standards mode: without the doctype browsers lay the page out in quirks mode.
  return c.html(`<!doctype html>${html}`, status);
}

/** A safe place to go back to after signing in: a path on this site. */
function safeNext(next: unknown): string {
  return typeof next === "string" && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

const filterSchema = z.object({
  q: z.string().trim().max(300).optional().default(""),
  tone: z.enum(EMOTIONAL_TONES).or(z.literal("")).optional(),
  min_intensity: z.union([z.literal(""), z.coerce.number().min(0).max(10)]).optional(),
  rights_cleared: z.literal("true").optional(),
});

async function grid(c: C) {
  const f = filterSchema.safeParse(c.req.query());
  if (!f.success) return <ErrorBox message={`${f.error.issues[0]!.path.join(".")}: ${f.error.issues[0]!.message}`} />;
  const { app } = c.var.deps;
  const tone = f.data.tone || undefined;
  const minIntensity = typeof f.data.min_intensity === "number" ? f.data.min_intensity : undefined;
  const rights = f.data.rights_cleared ? true : undefined;
  if (f.data.q) {
    const results = await searchClips(app, f.data.q, {
      limit: 24,
      filters: { ...(tone ? { tone } : {}), ...(minIntensity !== undefined ? { min_intensity: minIntensity } : {}), ...(rights ? { rights_cleared: true } : {}) },
    });
    const rows = await clipsByIds(c.var.deps, results.map((r) => r.clip_id));
    return <ClipGrid query={f.data.q} clips={results.filter((r) => rows.has(r.clip_id)).map((r) => ({ clip: rows.get(r.clip_id)!, why: r.why }))} />;
  }
  const filter = { ...(tone ? { tone } : {}), ...(minIntensity !== undefined ? { minIntensity } : {}), ...(rights ? { rightsCleared: true } : {}) };
  const [rows, total] = await Promise.all([app.clips.list({ ...filter, limit: 60 }), app.clips.count(filter)]);
  return <ClipGrid total={total} clips={rows.map((clip) => ({ clip }))} />;
}

async function resultView(c: C, id: string): Promise<ResultView> {
  const { app } = c.var.deps;
  const row = (await app.productions.get(id))!;
  const doc = await productionJson(app, row);
  const names = await readdir(productionDir(c.var.deps, row.productionId)).catch(() => [] as string[]);
  const fileUrl = (n: string) => `/api/productions/${row.productionId}/files/${encodeURIComponent(n)}`;
  const clipRows = await clipsByIds(c.var.deps, (doc.clips as { clip_id: string }[]).map((x) => x.clip_id));
  return {
    productionId: row.productionId,
    status: row.status,
    title: row.title,
    description: row.description,
    tags: row.tags,
    videoUrl: row.finalVideoPath ? `/api/productions/${row.productionId}/video` : null,
    thumbnails: names.filter((n) => /^thumbnail_\d+\.jpg$/.test(n)).sort().map(fileUrl),
    files: names.filter((n) => !n.startsWith(".") && n !== "work").sort().map((n) => ({ name: n, url: fileUrl(n) })),
    clips: (doc.clips as { position: number; external_id: string; clip_id: string; start: number; end: number; reason: string | null }[]).map((x) => ({
      position: x.position,
      externalId: x.external_id,
      start: x.start,
      end: x.end,
      reason: x.reason,
      thumb: clipRows.get(x.clip_id)?.thumbnailPath ? `/api/clips/${x.clip_id}/thumbnail` : null,
    })),
  };
}

async function editorFor(c: C, id: string, error?: { message: string; reasons?: string[] }) {
  const review = await getReview(c.var.deps.app, id);
  const rows = await clipsByIds(c.var.deps, review.timeline.entries.map((e) => e.clipId));
  const thumbs = new Map<string, string | null>([...rows.values()].map((r: ClipRow) => [r.id, r.thumbnailPath ? `/api/clips/${r.id}/thumbnail` : null]));
  return { review, editor: <CutEditor review={review} thumbs={thumbs} error={error?.message} errorReasons={error?.reasons} /> };
}

const editForm = z.object({
  op: z.enum(["remove", "move", "replace", "nudge"]),
  position: z.coerce.number().int().min(0).optional(),
  from: z.coerce.number().int().min(0).optional(),
  to: z.coerce.number().int().min(0).optional(),
  clip_id: z.string().trim().optional(),
  clip_id_typed: z.string().trim().optional(),
  in: z.coerce.number().optional(),
  out: z.coerce.number().optional(),
});

export function pageRoutes(): Hono<ServerEnv> {
  const r = new Hono<ServerEnv>();

  r.get("/login", (c) => (c.var.user && c.var.authBy !== "open" ? c.redirect(safeNext(c.req.query("next")), 303) : page(c, "Sign in", <LoginPage next={safeNext(c.req.query("next"))} />)));
  r.post("/login", async (c) => {
    const form = await c.req.parseBody();
    const next = safeNext(form.next);
    const user = typeof form.token === "string" ? c.var.deps.auth.verifyToken(form.token.trim()) : null;
    if (!user) return page(c, "Sign in", <LoginPage next={next} error="That token is not valid." />, 401);
    setSession(c, user);
    return c.redirect(next, 303);
  });
  r.post("/logout", (c) => {
    clearSession(c);
    return c.redirect("/login", 303);
  });

  r.use("*", requireUser);

  r.get("/", async (c) => page(c, "Library", <LibraryPage csrf={c.var.csrf} tones={EMOTIONAL_TONES} grid={await grid(c)} />));
  r.get("/ui/clips", async (c) => c.html(await grid(c)));

  r.post("/ui/upload", async (c) => {
    const form = await c.req.parseBody();
    const file = form.file;
    if (!(file instanceof File) || !file.size) return c.html(<ErrorBox message="Choose a video file to upload." />);
    try {
      const saved = await saveUpload(c.var.deps, file.name, file.stream());
      const license = typeof form.license === "string" && form.license.trim() ? form.license.trim() : undefined;
      const out = await startIndex(c.var.deps, { video_url: saved.path, ...(license ? { license } : {}), ...(form.consent === "yes" ? { consent: true } : {}) });
      const t = await taskStatus(c.var.deps, out.task_id);
      return c.html(<TaskStatus taskId={out.task_id} name={String(t.name)} status={String(t.status)} error={null} result={null} />);
    } catch (e) {
      if (e instanceof ApiError) return c.html(<ErrorBox message={e.message} />);
      throw e;
    }
  });
  r.get("/ui/tasks/:id", async (c) => {
    const t = await taskStatus(c.var.deps, c.req.param("id"));
    return c.html(<TaskStatus taskId={String(t.task_id)} name={String(t.name)} status={String(t.status)} error={(t.error as string | null) ?? null} result={(t.result as never) ?? null} />);
  });

  r.get("/clips/:id", async (c) => {
    const clip = await getClip(c.var.deps, c.req.param("id"));
    const { app } = c.var.deps;
    const [frames, tags] = await Promise.all([app.clips.frames(clip.id), app.clips.tags(clip.id)]);
    return page(
      c,
      clip.externalId,
      <ClipPage
        clip={clip}
        csrf={c.var.csrf}
        frames={frames.map((f) => ({ time: f.timeSeconds, reason: f.reason, url: f.imagePath ? `/api/clips/${clip.id}/frames/${f.timeSeconds}` : null }))}
        tags={tags.map((t) => ({ tag: t.tag, confidence: t.confidence, source: t.source }))}
      />,
    );
  });
  r.post("/clips/:id/rights", async (c) => {
    const form = await c.req.parseBody();
    const choice = z.enum(["clear", "revoke", "auto"]).parse(form.rights);
    await patchClip(c.var.deps, c.req.param("id"), { rights_cleared: choice === "auto" ? null : choice === "clear" }, c.var.user ?? "unknown");
    const clip = await getClip(c.var.deps, c.req.param("id"));
    if (!c.req.header("hx-request")) return c.redirect(`/clips/${clip.externalId}`, 303);
    return c.html(<RightsPanel clip={clip} csrf={c.var.csrf} message={choice === "auto" ? "Handed back to the automatic checks." : `Rights ${choice === "clear" ? "cleared" : "revoked"}.`} />);
  });

  r.get("/produce", (c) => page(c, "Produce", <ProduceForm csrf={c.var.csrf} />));
  r.post("/produce", async (c) => {
    const form = (await c.req.parseBody()) as Record<string, string>;
    const parsed = productionRequestBody.safeParse({
      theme: form.theme,
      target_duration: form.target_duration,
      style: form.style || undefined,
      aspect: form.aspect || undefined,
      resolution: form.resolution || undefined,
      review: form.review === "true",
    });
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      return page(c, "Produce", <ProduceForm csrf={c.var.csrf} values={form} error={`${i.path.join(".")}: ${i.message}`} />, 400);
    }
    const out = await startProduction(c.var.deps, parsed.data);
    return c.redirect(`/productions/${out.production_id}`, 303);
  });

  r.get("/productions", async (c) => page(c, "Productions", <ProductionsList rows={await c.var.deps.app.productions.list(100)} />));
  r.get("/productions/:id", async (c) => {
    const row = await c.var.deps.app.productions.get(c.req.param("id"));
    if (!row) throw new ApiError(404, "not_found", `no production "${c.req.param("id")}"`);
    const settled = SETTLED.has(row.status);
    return page(
      c,
      row.title ?? row.theme,
      <ProductionPage
        id={row.productionId}
        theme={row.theme}
        live={!settled}
        progress={<ProgressPanel status={row.status} stage={row.stage} progress={row.progress} error={row.error} />}
        result={<ResultPanel r={await resultView(c, row.productionId)} />}
      />,
    );
  });
  // Live progress as HTML fragments for htmx's SSE extension: `progress` on every change, `done` with the result.
  r.get("/ui/productions/:id/live", async (c) => {
    const first = await c.var.deps.app.productions.get(c.req.param("id"));
    if (!first) throw new ApiError(404, "not_found", `no production "${c.req.param("id")}"`);
    return streamSSE(c, async (stream) => {
      let last = "";
      for (let tick = 0; !stream.aborted; tick++) {
        const row = (await c.var.deps.app.productions.get(first.productionId))!;
        const html = String(<ProgressPanel status={row.status} stage={row.stage} progress={row.progress} error={row.error} />);
        if (html !== last) {
          last = html;
          await stream.writeSSE({ event: "progress", data: html });
        } else if (tick % 15 === 0) await stream.write(": keep-alive\n\n");
        if (SETTLED.has(row.status)) {
          await stream.writeSSE({ event: "done", data: String(<ResultPanel r={await resultView(c, row.productionId)} />) });
          break;
        }
        await stream.sleep(400);
      }
    });
  });

  r.get("/productions/:id/review", async (c) => {
    try {
      const { review, editor } = await editorFor(c, c.req.param("id"));
      const message = review.status !== "awaiting_review" ? `This production is ${review.status.replace(/_/g, " ")}: the cut can no longer be changed.` : undefined;
      return page(c, "Review", <ReviewPage review={review} editor={editor} csrf={c.var.csrf} message={message} />);
    } catch (e) {
      if (e instanceof ReviewError) return page(c, "Review", <ErrorBox message={e.message} />, e.code === "not_found" ? 404 : 400);
      throw e;
    }
  });
  r.post("/ui/productions/:id/edit", async (c) => {
    const id = c.req.param("id");
    const f = editForm.safeParse(await c.req.parseBody());
    if (!f.success) return c.html((await editorFor(c, id, { message: `The edit is not valid: ${f.error.issues[0]!.message}` })).editor);
    const v = f.data;
    const edit = reviewEditSchema.safeParse(
      v.op === "move"
        ? { op: "move", from: v.from, to: v.to }
        : v.op === "replace"
          ? { op: "replace", position: v.position, clip_id: v.clip_id_typed || v.clip_id }
          : v.op === "nudge"
            ? { op: "nudge", position: v.position, in: v.in ?? 0, out: v.out ?? 0 }
            : { op: "remove", position: v.position },
    );
    if (!edit.success) return c.html((await editorFor(c, id, { message: `The edit is not valid: ${edit.error.issues[0]!.message}` })).editor);
    const services = await createProductionServices(c.var.deps.app);
    try {
      await updateReview(c.var.deps.app, services, id, { edits: [edit.data] }, c.var.user ?? "unknown");
      return c.html((await editorFor(c, id)).editor);
    } catch (e) {
      if (!(e instanceof ReviewError)) throw e;
      const reasons = e.qa?.issues.map((i) => i.message);
      return c.html((await editorFor(c, id, { message: e.code === "qa_failed" ? "Not applied: the cut would fail QA, so nothing was changed." : e.message, ...(reasons ? { reasons } : {}) })).editor);
    } finally {
      await services.dispose();
    }
  });
  r.post("/ui/productions/:id/metadata", async (c) => {
    const id = c.req.param("id");
    const form = (await c.req.parseBody()) as Record<string, string>;
    const services = await createProductionServices(c.var.deps.app);
    try {
      await updateReview(
        c.var.deps.app,
        services,
        id,
        {
          ...(form.title?.trim() ? { title: form.title.trim() } : {}),
          ...(form.description !== undefined ? { description: form.description.trim() } : {}),
          ...(form.tags !== undefined ? { tags: form.tags.split(",").map((t) => t.trim()).filter(Boolean) } : {}),
          ...(form.thumbnail ? { thumbnail: Number(form.thumbnail) } : {}),
        },
        c.var.user ?? "unknown",
      );
    } catch (e) {
      if (!(e instanceof ReviewError)) throw e;
      const { review, editor } = await editorFor(c, id);
      return page(c, "Review", <ReviewPage review={review} editor={editor} csrf={c.var.csrf} message={e.message} />, 400);
    } finally {
      await services.dispose();
    }
    return c.redirect(`/productions/${id}/review`, 303);
  });
  r.post("/ui/productions/:id/approve", async (c) => {
    const id = c.req.param("id");
    try {
      await approve(c.var.deps, id, c.var.user ?? "unknown");
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      const { review, editor } = await editorFor(c, id);
      return page(c, "Review", <ReviewPage review={review} editor={editor} csrf={c.var.csrf} message={e.message} />, 400);
    }
    return c.redirect(`/productions/${id}`, 303);
  });
  r.post("/ui/productions/:id/reject", async (c) => {
    const id = c.req.param("id");
    const form = await c.req.parseBody();
    const reason = typeof form.reason === "string" ? form.reason.trim() : "";
    if (reason.length < 3) {
      const { review, editor } = await editorFor(c, id);
      return page(c, "Review", <ReviewPage review={review} editor={editor} csrf={c.var.csrf} message="Say why the cut is rejected." />, 400);
    }
    await reject(c.var.deps, id, reason, c.var.user ?? "unknown");
    return c.redirect(`/productions/${id}`, 303);
  });

  r.get("/dashboard", async (c) => page(c, "Dashboard", <DashboardPage s={await dashboardStats(c.var.deps)} />));

  return r;
}

