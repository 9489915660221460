/** @jsxImportSource hono/jsx */
/**
 * hono/jsx views of the htmx UI: full pages and the fragments htmx swaps in. Plain forms work
 * without JavaScript; htmx enhances them (live search, live progress over SSE, in-place edits).
 */
import type { Child } from "hono/jsx";
import type { ClipRow } from "../db/repositories/clips.ts";
import type { DashboardStats } from "../server/operations.ts";
import type { ReviewState } from "../production/review.ts";
import type { QaVerdict } from "../production/qa.ts";

const NAV = [
  ["/", "Library"],
  ["/produce", "Produce"],
  ["/productions", "Productions"],
  ["/dashboard", "Dashboard"],
  ["/api/docs", "API"],
] as const;

export function Layout(props: { title: string; user: string | null; csrf: string; path: string; children?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>{`${props.title} · Reelsmith`}</title>
        <link rel="stylesheet" href="/assets/app.css" />
        <script src="/assets/htmx.min.js"></script>
        <script src="/assets/sse.js"></script>
      </head>
      <body hx-headers={JSON.stringify({ "X-CSRF-Token": props.csrf })}>
        <header class="top">
          <a class="brand" href="/">Reelsmith</a>
          {props.user
            ? NAV.map(([href, label]) => (
                <a href={href} aria-current={props.path === href || (href !== "/" && props.path.startsWith(href)) ? "page" : undefined}>
                  {label}
                </a>
              ))
            : null}
          {props.user && props.user !== "local" ? (
            <form method="post" action="/logout">
              <input type="hidden" name="_csrf" value={props.csrf} />
              <button class="secondary small" type="submit">Sign out ({props.user})</button>
            </form>
          ) : null}
        </header>
        <main id="main">{props.children}</main>
      </body>
    </html>
  );
}

export const ErrorBox = (props: { message: string }) => (
  <div class="error" role="alert">
    {props.message}
  </div>
);

export function LoginPage(props: { next: string; error?: string }) {
  return (
    <section class="card" style="max-width:26rem;margin:3rem auto">
      <h1>Sign in</h1>
      {props.error ? <ErrorBox message={props.error} /> : null}
      <form method="post" action="/login">
        <input type="hidden" name="next" value={props.next} />
        <label for="token">API token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required autofocus />
        <p>
          <button type="submit">Sign in</button>
        </p>
      </form>
    </section>
  );
}

const fmtSeconds = (s: number | null | undefined) => (s === null || s === undefined ? "–" : s >= 60 ? `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, "0")}` : `${s.toFixed(1)} s`);
const fmtScore = (v: number | null | undefined) => (v === null || v === undefined ? "–" : v.toFixed(1));

export function ClipCard(props: { clip: ClipRow; why?: string[] }) {
  const c = props.clip;
  return (
    <a class="clip" href={`/clips/${c.externalId}`} data-clip={c.externalId}>
      {c.thumbnailPath ? <img src={`/api/clips/${c.id}/thumbnail`} alt={c.sceneDescription ?? c.externalId} loading="lazy" /> : <div class="noimg" />}
      <div class="meta">
        <strong>{c.externalId}</strong> · {fmtSeconds(c.durationSeconds)}
        <div>
          {c.emotionalTone ? <span class="pill">{c.emotionalTone}</span> : null}
          <span class="pill">intensity {fmtScore(c.intensity)}</span>
          <span class="pill">viral {fmtScore(c.viralPotential)}</span>
          {c.status !== "analyzed" ? <span class="pill bad">{c.status}</span> : c.rightsCleared ? <span class="pill ok">cleared</span> : <span class="pill bad">not cleared</span>}
        </div>
        {props.why?.length ? <div class="why">{props.why.slice(0, 3).join(" · ")}</div> : null}
      </div>
    </a>
  );
}

export function ClipGrid(props: { clips: { clip: ClipRow; why?: string[] }[]; query?: string; total?: number }) {
  if (!props.clips.length)
    return <p class="notice">{props.query ? `Nothing in the library matches “${props.query}”.` : "The library is empty: upload a clip or run reelsmith index."}</p>;
  return (
    <div>
      <p class="muted">{props.query ? `${props.clips.length} moments for “${props.query}”` : `${props.total ?? props.clips.length} clips`}</p>
      <div class="grid">
        {props.clips.map((x) => (
          <ClipCard clip={x.clip} why={x.why} />
        ))}
      </div>
    </div>
  );
}

export function LibraryPage(props: { csrf: string; grid: Child; tones: readonly string[] }) {
  return (
    <>
      <h1>Library</h1>
      <form class="card filters" method="get" action="/" hx-get="/ui/clips" hx-target="#grid" hx-trigger="input changed delay:300ms, change, submit" role="search">
        <div class="row">
          <div style="flex:3 1 16rem">
            <label for="q">Search by meaning</label>
            <input id="q" name="q" type="search" placeholder="a dog jumping into water, someone falling off a skateboard…" />
          </div>
          <div>
            <label for="tone">Tone</label>
            <select id="tone" name="tone">
              <option value="">any</option>
              {props.tones.map((t) => (
                <option value={t}>{t}</option>
              ))}
            </select>
          </div>
          <div>
            <label for="min_intensity">Min intensity</label>
            <input id="min_intensity" name="min_intensity" type="number" min="0" max="10" step="0.5" />
          </div>
          <div>
            <label>
              <input type="checkbox" name="rights_cleared" value="true" /> rights cleared only
            </label>
            <noscript>
              <button type="submit">Search</button>
            </noscript>
          </div>
        </div>
      </form>
      <details class="card" style="margin-bottom:1rem">
        <summary>Upload a clip</summary>
        <form method="post" action="/ui/upload" enctype="multipart/form-data" hx-post="/ui/upload" hx-encoding="multipart/form-data" hx-target="#upload-status">
          <input type="hidden" name="_csrf" value={props.csrf} />
          <div class="row">
            <div>
              <label for="file">Video file</label>
              <input id="file" name="file" type="file" accept="video/*" required />
            </div>
            <div>
              <label for="license">Licence</label>
              <input id="license" name="license" type="text" placeholder="CC0, CC-BY-4.0, proprietary-cleared…" />
            </div>
            <div>
              <label title="Clips with identifiable faces are not cleared without it">
                <input id="consent" name="consent" type="checkbox" value="yes" /> People shown gave consent (model releases on file)
              </label>
            </div>
            <div>
              <button type="submit">Upload and index</button>
            </div>
          </div>
        </form>
        <div id="upload-status" aria-live="polite"></div>
      </details>
      <div id="grid" aria-live="polite">
        {props.grid}
      </div>
    </>
  );
}

/** An upload's indexing job: polls itself until it is done. */
export function TaskStatus(props: { taskId: string; name: string; status: string; error: string | null; result: { outcome?: string; external_id?: string; reason?: string } | null }) {
  const done = props.status === "completed" || props.status === "failed";
  const r = props.result;
  return (
    <div class="notice" id="task" data-status={props.status} {...(done ? {} : { "hx-get": `/ui/tasks/${props.taskId}`, "hx-trigger": "every 1s", "hx-swap": "outerHTML" })}>
      {!done ? (
        <span>
          Indexing… <progress aria-label="indexing"></progress>
        </span>
      ) : props.status === "failed" ? (
        <span role="alert">Indexing failed: {props.error}</span>
      ) : r?.outcome === "indexed" || r?.outcome === "unchanged" ? (
        <span>
          Indexed as <a href={`/clips/${r.external_id}`}>{r.external_id}</a>.
        </span>
      ) : r?.outcome === "skipped" ? (
        <span>Not added: {r.reason}</span>
      ) : (
        <span role="alert">
          {r?.external_id ? <a href={`/clips/${r.external_id}`}>{r.external_id}</a> : null} could not be analysed: {r?.reason ?? "unknown reason"}
        </span>
      )}
    </div>
  );
}

const SCORE_FIELDS: [keyof ClipRow, string, string][] = [
  ["intensity", "intensity", "Intensity"],
  ["surpriseFactor", "surprise_factor", "Surprise"],
  ["viralPotential", "viral_potential", "Viral potential"],
  ["impactScore", "impact_score", "Impact"],
  ["themeFailsAccidents", "theme_fails_accidents", "Fails & accidents"],
  ["themeComedy", "theme_comedy", "Comedy"],
  ["themeWholesome", "theme_wholesome", "Wholesome"],
  ["themeAnimalAntics", "theme_animal_antics", "Animal antics"],
  ["themeExtremeSports", "theme_extreme_sports", "Extreme sports"],
  ["themeEpicWins", "theme_epic_wins", "Epic wins"],
];

export function RightsPanel(props: { clip: ClipRow; csrf: string; message?: string }) {
  const c = props.clip;
  return (
    <section class="card" id="rights">
      <h2>Rights</h2>
      {props.message ? <p class="notice">{props.message}</p> : null}
      <p>
        {c.rightsCleared ? <span class="pill ok">cleared</span> : <span class="pill bad">not cleared</span>} licence <strong>{c.license ?? "unknown"}</strong>
        {c.rightsOverride !== null ? <span class="pill">set by a person</span> : null}
      </p>
      <p class="muted">{c.rightsReason}</p>
      {(c.rightsIssues ?? []).length ? (
        <ul>
          {c.rightsIssues.map((i) => (
            <li>
              {i.kind}: {i.reason}
            </li>
          ))}
        </ul>
      ) : null}
      <form method="post" action={`/clips/${c.externalId}/rights`} hx-post={`/clips/${c.externalId}/rights`} hx-target="#rights" hx-swap="outerHTML" class="inline">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <button type="submit" name="rights" value="clear" class={c.rightsCleared ? "secondary" : ""}>
          Clear rights
        </button>{" "}
        <button type="submit" name="rights" value="revoke" class="danger">
          Revoke rights
        </button>{" "}
        {c.rightsOverride !== null ? (
          <button type="submit" name="rights" value="auto" class="secondary">
            Back to the automatic verdict
          </button>
        ) : null}
      </form>
    </section>
  );
}

export function ClipPage(props: { clip: ClipRow; frames: { time: number; reason: string; url: string | null }[]; tags: { tag: string; confidence: number; source: string }[]; csrf: string }) {
  const c = props.clip;
  const d = c.durationSeconds || 1;
  return (
    <>
      <h1>
        {c.externalId} <span class="muted">{c.filePath.split("/").pop()}</span>
      </h1>
      {c.status === "failed" ? <ErrorBox message={`Analysis failed: ${c.statusReason ?? "no reason recorded"}`} /> : null}
      <video controls preload="metadata" src={`/api/clips/${c.id}/video`} poster={c.thumbnailPath ? `/api/clips/${c.id}/thumbnail` : undefined}></video>
      <p>{c.sceneDescription}</p>
      <h2>Shots and keyframes</h2>
      <div class="strip">
        {props.frames.map((f) => (
          <figure>
            {f.url ? <img src={f.url} alt={`${f.reason} at ${f.time.toFixed(1)} s`} loading="lazy" /> : null}
            <figcaption>
              {f.time.toFixed(1)} s · {f.reason}
            </figcaption>
          </figure>
        ))}
      </div>
      <h2>Key moments</h2>
      <div class="timeline" aria-label="key moments">
        {c.keyMoments.map((m) => (
          <>
            <span class={m.event} style={`left:${(m.timestamp / d) * 100}%`} title={`${m.event} at ${m.timestamp.toFixed(1)} s`}></span>
            <small style={`left:${(m.timestamp / d) * 100}%`}>
              {m.event} {m.timestamp.toFixed(1)}s
            </small>
          </>
        ))}
      </div>
      <div class="row" style="align-items:flex-start">
        <section class="card">
          <h2>Scores</h2>
          <table>
            <tbody>
              {SCORE_FIELDS.map(([k, col, label]) => (
                <tr>
                  <th>{label}</th>
                  <td>{fmtScore(c[k] as number | null)}</td>
                  <td class="muted">{c.scoreSources[col] ?? c.scoreSources.default ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="muted">
            tone {c.emotionalTone ?? "–"} · pacing {c.pacing ?? "–"} · arc {c.narrativeArc ?? "–"}
          </p>
        </section>
        <section class="card">
          <h2>Seen and heard</h2>
          <p>
            <strong>Objects:</strong> {[...new Set(c.detectedObjects.map((o) => o.object))].join(", ") || "none"}
          </p>
          <p>
            <strong>Actions:</strong> {c.detectedActions.map((a) => `${a.action} ${a.timespan[0].toFixed(1)}–${a.timespan[1].toFixed(1)} s`).join(", ") || "none"}
          </p>
          <p>
            <strong>Faces:</strong> {c.faceCount ?? 0} · <strong>On screen:</strong> {c.onScreenText || "–"}
          </p>
          <p>
            <strong>Sounds:</strong> {c.soundEvents.join(", ") || "none"} · loudness {c.loudnessLufs?.toFixed(1) ?? "–"} LUFS
          </p>
          <p>
            <strong>Transcript:</strong> {c.audioTranscript || <span class="muted">no speech recognised</span>}
          </p>
          <p>
            <strong>Tags:</strong> {props.tags.map((t) => `${t.tag} (${t.source})`).join(", ") || "none"}
          </p>
        </section>
      </div>
      <RightsPanel clip={c} csrf={props.csrf} />
    </>
  );
}

export function ProduceForm(props: { csrf: string; error?: string; values?: Record<string, string> }) {
  const v = props.values ?? {};
  return (
    <section class="card" style="max-width:40rem">
      <h1>Produce a compilation</h1>
      {props.error ? <ErrorBox message={props.error} /> : null}
      <form method="post" action="/produce">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <label for="theme">Theme</label>
        <input id="theme" name="theme" type="text" required value={v.theme ?? ""} placeholder="epic fails of the week, animals being silly…" />
        <div class="row">
          <div>
            <label for="duration">Duration (seconds)</label>
            <input id="duration" name="target_duration" type="number" min="10" max="3600" value={v.target_duration ?? "60"} required />
          </div>
          <div>
            <label for="style">Style</label>
            <select id="style" name="style">
              {["energetic", "chill", "emotional"].map((s) => (
                <option value={s} selected={v.style === s}>
                  {s}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for="aspect">Aspect</label>
            <select id="aspect" name="aspect">
              {["16:9", "9:16", "1:1"].map((s) => (
                <option value={s} selected={v.aspect === s}>
                  {s}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for="resolution">Resolution</label>
            <select id="resolution" name="resolution">
              {["1080p", "720p", "360p"].map((s) => (
                <option value={s} selected={v.resolution === s}>
                  {s}
                </option>
              ))}
            </select>
          </div>
        </div>
        <label>
          <input type="checkbox" name="review" value="true" checked={v.review === "true"} /> Let me review the cut before it is rendered
        </label>
        <p>
          <button type="submit">Start production</button>
        </p>
      </form>
    </section>
  );
}

const STAGES = ["queued", "curating", "editing", "qa", "metadata", "rendering", "completed"];

export function ProgressPanel(props: { status: string; stage: string | null; progress: number; error: string | null }) {
  const at = STAGES.indexOf(props.status === "awaiting_review" ? "metadata" : props.status);
  return (
    <div id="progress">
      <progress max="100" value={String(Math.round(props.progress))} aria-label="production progress"></progress>
      <p>
        <strong data-status={props.status}>{props.status.replace(/_/g, " ")}</strong> · {Math.round(props.progress)}%
      </p>
      <ol class="stages">
        {STAGES.map((s, i) => (
          <li class={props.status === "completed" || i < at ? "done" : i === at ? "now" : ""}>{s}</li>
        ))}
      </ol>
      {props.error ? <ErrorBox message={props.error} /> : null}
    </div>
  );
}

export interface ResultView {
  productionId: string;
  status: string;
  title: string | null;
  description: string | null;
  tags: string[];
  videoUrl: string | null;
  thumbnails: string[];
  files: { name: string; url: string }[];
  clips: { position: number; externalId: string; start: number; end: number; reason: string | null; thumb: string | null }[];
}

export function ResultPanel(props: { r: ResultView }) {
  const r = props.r;
  if (r.status === "awaiting_review")
    return (
      <div id="result" class="notice">
        The cut is ready for review. <a class="button" href={`/productions/${r.productionId}/review`}>Review the cut</a>
      </div>
    );
  if (r.status !== "completed") return <div id="result"></div>;
  return (
    <div id="result">
      <h2>{r.title}</h2>
      {r.videoUrl ? <video id="final" controls preload="metadata" src={r.videoUrl}></video> : null}
      <div class="strip" style="margin-top:.6rem">
        {r.thumbnails.map((t, i) => (
          <figure>
            <img src={t} alt={`thumbnail ${i + 1}`} />
            <figcaption>thumbnail {i + 1}</figcaption>
          </figure>
        ))}
      </div>
      <h2>Description</h2>
      <pre style="white-space:pre-wrap" class="card">{r.description}</pre>
      <p>{r.tags.map((t) => <span class="pill">{t}</span>)}</p>
      <h2>Clips and why</h2>
      <table>
        <thead>
          <tr>
            <th>#</th>
            <th>clip</th>
            <th>in the video</th>
            <th>why it was picked</th>
          </tr>
        </thead>
        <tbody>
          {r.clips.map((c) => (
            <tr>
              <td>{c.position + 1}</td>
              <td>
                <a href={`/clips/${c.externalId}`}>{c.externalId}</a>
              </td>
              <td>
                {fmtSeconds(c.start)}–{fmtSeconds(c.end)}
              </td>
              <td>{c.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Downloads</h2>
      <ul>
        {r.videoUrl ? (
          <li>
            <a href={`${r.videoUrl}?download=1`}>video (MP4)</a>
          </li>
        ) : null}
        {r.files
          .filter((f) => /\.(srt|otio|edl|json|jpg)$/.test(f.name))
          .map((f) => (
            <li>
              <a href={`${f.url}?download=1`}>{f.name}</a>
            </li>
          ))}
      </ul>
    </div>
  );
}

export function ProductionPage(props: { id: string; theme: string; progress: Child; result: Child; live: boolean }) {
  return (
    <>
      <h1>
        {props.theme} <span class="muted">{props.id}</span>
      </h1>
      <section class="card" {...(props.live ? { "hx-ext": "sse", "sse-connect": `/ui/productions/${props.id}/live`, "sse-close": "done" } : {})}>
        <div {...(props.live ? { "sse-swap": "progress", "hx-swap": "innerHTML" } : {})}>{props.progress}</div>
        <div {...(props.live ? { "sse-swap": "done", "hx-swap": "innerHTML" } : {})}>{props.result}</div>
      </section>
    </>
  );
}

export function ProductionsList(props: { rows: { productionId: string; theme: string; status: string; progress: number; createdAt: Date; finalDuration: number | null }[] }) {
  return (
    <>
      <h1>Productions</h1>
      <p>
        <a class="button" href="/produce">New production</a>
      </p>
      <table>
        <thead>
          <tr>
            <th>production</th>
            <th>theme</th>
            <th>status</th>
            <th>length</th>
            <th>started</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((p) => (
            <tr>
              <td>
                <a href={`/productions/${p.productionId}`}>{p.productionId}</a>
              </td>
              <td>{p.theme}</td>
              <td>
                {p.status.replace(/_/g, " ")} {p.status !== "completed" ? `${Math.round(p.progress)}%` : ""}
              </td>
              <td>{fmtSeconds(p.finalDuration)}</td>
              <td>{p.createdAt.toISOString().slice(0, 16).replace("T", " ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function QaSummary(props: { qa: QaVerdict | null; duration: number; target: number }) {
  return (
    <p id="qa" data-passed={String(Boolean(props.qa?.passed))}>
      Total <strong>{props.duration.toFixed(1)} s</strong> of {props.target} s ·{" "}
      {props.qa?.passed ? <span class="pill ok">QA passes</span> : <span class="pill bad">QA fails: {props.qa?.issues.map((i) => i.message).join("; ")}</span>}
    </p>
  );
}

/** The editable cut: one card per clip with its in/out points, reason and the edit buttons. */
export function CutEditor(props: { review: ReviewState; thumbs: Map<string, string | null>; error?: string; errorReasons?: string[] }) {
  const r = props.review;
  const tl = r.timeline;
  const action = `/ui/productions/${r.production_id}/edit`;
  const btn = (label: string, vals: Record<string, string | number>, title: string, cls = "secondary small") => (
    <button type="button" class={cls} title={title} aria-label={title} hx-post={action} hx-vals={JSON.stringify(vals)} hx-target="#cut-editor" hx-swap="outerHTML">
      {label}
    </button>
  );
  return (
    <div id="cut-editor">
      {props.error ? (
        <div class="error" role="alert" id="edit-refused">
          <strong>{props.error}</strong>
          {props.errorReasons?.length ? (
            <ul>
              {props.errorReasons.map((m) => (
                <li>{m}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <QaSummary qa={r.qa} duration={tl.duration} target={r.target_duration} />
      <div class="cut">
        {tl.entries.map((e, i) => (
          <div class="entry" data-clip={e.externalId} data-position={i}>
            {props.thumbs.get(e.clipId) ? <img src={props.thumbs.get(e.clipId)!} alt={e.externalId} /> : <div />}
            <div>
              <strong>
                {i + 1}. {e.externalId}
              </strong>{" "}
              <span class="muted">
                in {e.sourceStart.toFixed(2)} s · out {e.sourceEnd.toFixed(2)} s · {(e.sourceEnd - e.sourceStart).toFixed(1)} s · {e.transition}
              </span>
              <div class="why">{e.reason}</div>
            </div>
            <div class="actions">
              {btn("↑", { op: "move", from: i, to: Math.max(0, i - 1) }, `move ${e.externalId} up`)}
              {btn("↓", { op: "move", from: i, to: i + 1 }, `move ${e.externalId} down`)}
              {btn("in −½s", { op: "nudge", position: i, in: -0.5 }, `start ${e.externalId} half a second earlier`)}
              {btn("in +½s", { op: "nudge", position: i, in: 0.5 }, `start ${e.externalId} half a second later`)}
              {btn("out −½s", { op: "nudge", position: i, out: -0.5 }, `end ${e.externalId} half a second earlier`)}
              {btn("out +½s", { op: "nudge", position: i, out: 0.5 }, `end ${e.externalId} half a second later`)}
              {btn("Remove", { op: "remove", position: i }, `remove ${e.externalId}`, "danger small")}
              <form hx-post={action} hx-target="#cut-editor" hx-swap="outerHTML" class="inline">
                <input type="hidden" name="op" value="replace" />
                <input type="hidden" name="position" value={String(i)} />
                <select name="clip_id" aria-label={`replace ${e.externalId} with`}>
                  {r.runners_up.map((u) => (
                    <option value={u.clipId}>{u.externalId}</option>
                  ))}
                </select>
                <input type="text" name="clip_id_typed" placeholder="or clip id" style="width:7rem" aria-label="clip id from search" />
                <button type="submit" class="secondary small">
                  Replace
                </button>
              </form>
            </div>
          </div>
        ))}
      </div>
    </div>
  );
}

export function ReviewPage(props: { review: ReviewState; editor: Child; csrf: string; message?: string }) {
  const r = props.review;
  return (
    <>
      <h1>Review the cut</h1>
      <p class="muted">
        {r.production_id} · {r.status.replace(/_/g, " ")} ·{" "}
        <a href={`/productions/${r.production_id}`}>production page</a> · <a href="/">find clips in the library</a>
      </p>
      {props.message ? <p class="notice">{props.message}</p> : null}
      {r.preview_url ? <video controls preload="metadata" src={r.preview_url} id="preview"></video> : null}
      <h2>Clips in order</h2>
      {props.editor}
      <h2>Title, description and tags</h2>
      <form class="card" method="post" action={`/ui/productions/${r.production_id}/metadata`}>
        <input type="hidden" name="_csrf" value={props.csrf} />
        <label for="title">Title</label>
        <input id="title" name="title" type="text" value={r.title ?? ""} />
        <label for="description">Description</label>
        <textarea id="description" name="description" rows={6}>
          {r.description ?? ""}
        </textarea>
        <label for="tags">Tags (comma-separated)</label>
        <input id="tags" name="tags" type="text" value={r.tags.join(", ")} />
        <fieldset>
          <legend>Thumbnail</legend>
          {r.thumbnails.map((t) => (
            <label>
              <input type="radio" name="thumbnail" value={String(t.index)} checked={r.thumbnail === t.index} /> {t.index}: {t.rule.replace(/_/g, " ")}
            </label>
          ))}
        </fieldset>
        <p>
          <button type="submit" class="secondary">
            Save text
          </button>
        </p>
      </form>
      <div class="row" style="margin-top:1rem">
        <form method="post" action={`/ui/productions/${r.production_id}/approve`}>
          <input type="hidden" name="_csrf" value={props.csrf} />
          <button type="submit" id="approve">
            Approve and render
          </button>
        </form>
        <form method="post" action={`/ui/productions/${r.production_id}/reject`} class="row">
          <input type="hidden" name="_csrf" value={props.csrf} />
          <input type="text" name="reason" placeholder="why the cut is rejected" required aria-label="reason for rejecting" />
          <button type="submit" class="danger">
            Reject
          </button>
        </form>
      </div>
      <h2>Edit history</h2>
      <ul>
        {r.edits.map((e) => (
          <li>
            {e.at.slice(0, 19).replace("T", " ")} · {e.author} · {e.kind}
          </li>
        ))}
      </ul>
    </>
  );
}

export function DashboardPage(props: { s: DashboardStats }) {
  const s = props.s;
  const stat = (n: string | number, l: string) => (
    <div class="card stat">
      <div class="n">{n}</div>
      <div class="l">{l}</div>
    </div>
  );
  return (
    <>
      <h1>Dashboard</h1>
      <div class="stats">
        {stat(s.clips_total, `clips (${s.clips_analyzed} analysed, ${s.clips_failed} failed, ${s.clips_rights_cleared} cleared)`)}
        {stat(s.productions_today, `productions today (${s.productions_total} in all)`)}
        {stat(s.success_rate === null ? "–" : `${Math.round(s.success_rate * 100)}%`, "production success rate")}
        {stat(s.avg_indexing_seconds === null ? "–" : `${s.avg_indexing_seconds.toFixed(1)} s`, "average indexing time per clip")}
        {stat(s.avg_production_seconds === null ? "–" : `${s.avg_production_seconds.toFixed(0)} s`, "average production time")}
        {stat(s.llm_p95_latency_ms === null ? "–" : `${Math.round(s.llm_p95_latency_ms)} ms`, `LLM p95 latency (${s.llm_requests_today} requests today)`)}
        {stat(`$${s.cost_today_usd.toFixed(2)}`, "LLM cost today")}
      </div>
      <h2>Queues</h2>
      <table>
        <thead>
          <tr>
            <th>queue</th>
            <th>waiting</th>
            <th>active</th>
            <th>failed</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(s.queues).map(([q, c]) => (
            <tr>
              <td>{q}</td>
              <td>{c.waiting}</td>
              <td>{c.active}</td>
              <td>{c.failed}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
