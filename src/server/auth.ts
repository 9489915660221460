/**
 * Authentication for the API and the UI.
 * - API: `Authorization: Bearer <token>` with a token from REELSMITH_API_TOKENS ("name:token" or
 *   just "token"). Bearer requests are not open to CSRF, so they need no CSRF token.
 * - UI: signing in with a token sets an HttpOnly, SameSite=Lax session cookie (Secure unless the
 *   request is plain http on loopback, where browsers treat the origin as secure anyway) holding
 *   `user.expiry.hmac`. Cookie-authenticated unsafe requests must carry the CSRF token (form field
 *   `_csrf` or header `X-CSRF-Token`), an HMAC of the session, so another site cannot forge them;
 *   a request whose Origin or Sec-Fetch-Site says it comes from another site is refused outright.
 * - No tokens configured: everyone is "local". The serve command refuses to bind to anything but
 *   loopback in that case (see `assertSafeBinding`).
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Config } from "../config.ts";
import { ApiError } from "./errors.ts";
import type { ServerEnv } from "./types.ts";

export const SESSION_COOKIE = "rs_session";
const SESSION_DAYS = 7;

export interface Auth {
  /** True when tokens are configured (and so sign-in is required). */
  readonly required: boolean;
  /** The user a token belongs to, or null. Constant-time comparison. */
  verifyToken(token: string): string | null;
  sign(value: string): string;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The session secret: REELSMITH_SESSION_SECRET, else a random one kept under REELSMITH_HOME. */
function sessionSecret(config: Config): string {
  if (config.env.REELSMITH_SESSION_SECRET) return config.env.REELSMITH_SESSION_SECRET;
  const file = join(config.home, "session.key");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(config.home, { recursive: true });
  const secret = randomBytes(32).toString("hex");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export function createAuth(config: Config): Auth {
  const tokens = config.apiTokens.map((entry, i) => {
    const at = entry.indexOf(":");
    return at > 0 ? { user: entry.slice(0, at), token: entry.slice(at + 1) } : { user: `token${i + 1}`, token: entry };
  });
  const secret = sessionSecret(config);
  return {
    required: tokens.length > 0,
    verifyToken(token) {
      let found: string | null = null;
      for (const t of tokens) if (safeEqual(t.token, token)) found = t.user;
      return found;
    },
    sign: (value) => createHmac("sha256", secret).update(value).digest("base64url"),
  };
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|\[::1\])$/;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}

/** Binding to a non-loopback address without tokens would open the library to the network. */
export function assertSafeBinding(host: string, auth: Auth): void {
  if (!isLoopback(host) && !auth.required)
    throw new Error(`refusing to listen on ${host} without REELSMITH_API_TOKENS: set tokens or bind to 127.0.0.1`);
}

function readSession(auth: Auth, value: string | undefined): string | null {
  if (!value) return null;
  const parts = value.split(".");
  if (parts.length !== 3) return null;
  const [user, expiry, mac] = parts as [string, string, string];
  if (!safeEqual(auth.sign(`${user}.${expiry}`), mac)) return null;
  if (!(Number(expiry) > Date.now())) return null;
  return decodeURIComponent(user);
}

function secureFor(c: Context): boolean {
  const url = new URL(c.req.url);
  return url.protocol === "https:" || !isLoopback(url.hostname);
}

export function setSession(c: Context<ServerEnv>, user: string): void {
  const expiry = Date.now() + SESSION_DAYS * 86400_000;
  const body = `${encodeURIComponent(user)}.${expiry}`;
  setCookie(c, SESSION_COOKIE, `${body}.${c.var.deps.auth.sign(body)}`, {
    httpOnly: true,
    sameSite: "Lax",
    secure: secureFor(c),
    path: "/",
    maxAge: SESSION_DAYS * 86400,
  });
  c.set("user", user);
  c.set("authBy", "cookie");
  c.set("csrf", c.var.deps.auth.sign(`csrf:${body}`));
}

export function clearSession(c: Context<ServerEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
  c.set("user", null);
  c.set("authBy", "none");
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** Routes that take no CSRF token: signing in (there is no session yet). */
const CSRF_EXEMPT = new Set(["/login"]);

/** Works out who is asking, sets user/csrf/authBy, and enforces CSRF on cookie-authenticated writes. */
export function authenticate(): MiddlewareHandler<ServerEnv> {
  return async (c, next) => {
    const { auth } = c.var.deps;
    const header = c.req.header("authorization");
    const cookie = getCookie(c, SESSION_COOKIE);
    if (header !== undefined) {
      const m = /^Bearer\s+(.+)$/i.exec(header.trim());
      const user = m ? auth.verifyToken(m[1]!.trim()) : null;
      if (!user) throw new ApiError(401, "unauthorized", m ? "the bearer token is not valid" : "expected Authorization: Bearer <token>");
      c.set("user", user);
      c.set("authBy", "bearer");
      c.set("csrf", "");
      return next();
    }
    const sessionUser = readSession(auth, cookie);
    if (sessionUser) {
      c.set("user", sessionUser);
      c.set("authBy", "cookie");
      c.set("csrf", auth.sign(`csrf:${cookie!.slice(0, cookie!.lastIndexOf("."))}`));
    } else if (!auth.required) {
      c.set("user", "local");
      c.set("authBy", "open");
      c.set("csrf", auth.sign("csrf:open"));
    } else {
      c.set("user", null);
      c.set("authBy", "none");
      c.set("csrf", "");
    }
    if (UNSAFE.has(c.req.method) && c.var.user && !CSRF_EXEMPT.has(c.req.path)) {
      // A browser names where a request comes from: another site may not write here at all.
      const origin = c.req.header("origin");
      if ((origin && origin !== "null" && new URL(origin).host !== new URL(c.req.url).host) || c.req.header("sec-fetch-site") === "cross-site")
        throw new ApiError(403, "csrf", "cross-site request refused");
      // Open mode (loopback, no tokens): API clients (curl, scripts) send JSON or nothing, which a
      // page on another site cannot send without a CORS preflight we never grant; forms it can send
      // need the token like a session's.
      const type = c.req.header("content-type") ?? "";
      const formLike = /^(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)/.test(type);
      if (c.var.authBy === "open" && !formLike && !c.req.header("x-csrf-token")) return next();
      let sent = c.req.header("x-csrf-token");
      if (!sent && /^(application\/x-www-form-urlencoded|multipart\/form-data)/.test(c.req.header("content-type") ?? "")) {
        const form = await c.req.parseBody();
        sent = typeof form._csrf === "string" ? form._csrf : undefined;
      }
      if (!sent || !safeEqual(sent, c.var.csrf)) throw new ApiError(403, "csrf", "missing or wrong CSRF token (send the _csrf field or the X-CSRF-Token header)");
    }
    return next();
  };
}

/** Requires a user: API paths answer 401, pages redirect to /login?next=… */
export const requireUser: MiddlewareHandler<ServerEnv> = async (c, next) => {
  if (c.var.user) return next();
  if (c.req.path.startsWith("/api/") || c.req.path === "/metrics")
    throw new ApiError(401, "unauthorized", "sign in or send Authorization: Bearer <token>");
  const url = new URL(c.req.url);
  return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
};
