/**
 * A loopback server that speaks the Anthropic Messages API (POST /v1/messages) and the OpenAI
 * Chat Completions API (POST /v1/chat/completions) well enough for the real SDKs, answering from
 * a script the test sets: a reply text, an HTTP error (with headers such as Retry-After), or a
 * delay. It records every request it got (time, path, headers, body) for the test to check.
 */
export type Step =
  | { reply: string; inputTokens?: number; outputTokens?: number }
  | { status: number; headers?: Record<string, string>; body?: unknown }
  | { delayMs: number; then: Step };

export interface SeenRequest {
  at: number;
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface FakeLlmServer {
  url: string;
  seen: SeenRequest[];
  /** Steps answered in order; when they run out, `fallback` answers. */
  script: Step[];
  fallback: Step;
  stop(): void;
}

function anthropicBody(text: string, model: string, i: number, o: number) {
  return { id: `msg_${crypto.randomUUID()}`, type: "message", role: "assistant", model, content: [{ type: "text", text }], stop_reason: "end_turn", stop_sequence: null, usage: { input_tokens: i, output_tokens: o } };
}

function openaiBody(text: string, model: string, i: number, o: number) {
  return { id: `chatcmpl-${crypto.randomUUID()}`, object: "chat.completion", created: Math.floor(Date.now() / 1000), model, choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }], usage: { prompt_tokens: i, completion_tokens: o, total_tokens: i + o } };
}

export function startFakeLlmServer(fallback: Step = { reply: "{}" }): FakeLlmServer {
  const state: FakeLlmServer = { url: "", seen: [], script: [], fallback, stop: () => server.stop(true) };
  const answer = async (step: Step, anthropic: boolean, model: string): Promise<Response> => {
    if ("delayMs" in step) {
      await Bun.sleep(step.delayMs);
      return answer(step.then, anthropic, model);
    }
    if ("status" in step) return Response.json(step.body ?? { error: { type: "error", message: `status ${step.status}` } }, { status: step.status, headers: step.headers });
    const i = step.inputTokens ?? 1000;
    const o = step.outputTokens ?? 200;
    return Response.json(anthropic ? anthropicBody(step.reply, model, i, o) : openaiBody(step.reply, model, i, o));
  };
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 30,
    async fetch(req) {
      const path = new URL(req.url).pathname;
      const anthropic = path === "/v1/messages";
      if (!anthropic && path !== "/v1/chat/completions") return new Response("not found", { status: 404 });
      const body = (await req.json()) as Record<string, unknown>;
      state.seen.push({ at: performance.now(), path, headers: Object.fromEntries(req.headers), body });
      return answer(state.script.shift() ?? state.fallback, anthropic, String(body.model));
    },
  });
  state.url = `http://127.0.0.1:${server.port}`;
  return state;
}
