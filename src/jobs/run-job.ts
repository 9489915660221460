/**
 * Runs one attempt of a job's handler for either pool: validates the payload, aborts it on a
 * timeout or when the pool stops, and settles as soon as it is aborted even if the handler
 * ignores its signal (the pool must be able to hand the job back and go on).
 */
import { parsePayload, type JobContext, type JobHandler, type JobHandlers, type JobName } from "./types.ts";

/** Why an attempt was cut short. */
export class JobAbortedError extends Error {
  constructor(
    message: string,
    readonly kind: "timeout" | "stopping" | "lease-lost",
  ) {
    super(message);
    this.name = "JobAbortedError";
  }
}

export interface AttemptInput {
  name: JobName;
  payload: unknown;
  handlers: JobHandlers;
  timeoutMs: number;
  /** The pool's own controller: aborted with a JobAbortedError on stop or lost lease. */
  controller: AbortController;
  ctx: Omit<JobContext, "signal">;
}

/** Resolves with the handler's result; rejects with its error or a JobAbortedError. */
export async function runAttempt({ name, payload, handlers, timeoutMs, controller, ctx }: AttemptInput): Promise<unknown> {
  const handler = handlers[name] as JobHandler<JobName> | undefined;
  if (!handler) throw new Error(`no handler for job "${name}" in this worker`);
  const data = parsePayload(name, payload);
  const timer = setTimeout(
    () => controller.abort(new JobAbortedError(`job ${name} timed out after ${Math.round(timeoutMs / 1000)} s`, "timeout")),
    timeoutMs,
  );
  const signal = controller.signal;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new JobAbortedError(String(signal.reason), "stopping"));
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([handler(data, { ...ctx, signal }), aborted]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener("abort", onAbort);
    aborted.catch(() => {});
  }
}

/** One line of an error for storing and logging (stack kept out of the jobs table). */
export function errorText(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.length > 2000 ? `${msg.slice(0, 2000)}…` : msg;
}
