/** What every route sees: the app context, the job queue, auth and config (set once per server). */
import type { AppContext } from "../app.ts";
import type { Config } from "../config.ts";
import type { JobQueue } from "../jobs/types.ts";
import type { Auth } from "./auth.ts";

export interface ServerDeps {
  app: AppContext;
  jobs: JobQueue;
  auth: Auth;
  config: Config;
  startedAt: Date;
}

export type ServerEnv = {
  Variables: {
    deps: ServerDeps;
    /** The signed-in user, or null. "local" when no tokens are configured (loopback only). */
    user: string | null;
    /** Token a form or htmx request must send back on unsafe methods (field _csrf or X-CSRF-Token). */
    csrf: string;
    /** How the request was authenticated: bearer header, session cookie, open (no tokens), or none. */
    authBy: "bearer" | "cookie" | "open" | "none";
  };
};
