/**
 * The real SDKs behind one interface. Both are built with maxRetries 0 (LlmClient owns retries,
 * so back-off and Retry-After are ours and testable) and the configured base URL, which is how
 * OpenAI-compatible servers (vLLM, Ollama, LM Studio) and the tests' loopback servers are used.
 */
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import type { LlmProvider, LlmReply, LlmRequest } from "./types.ts";

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

export function anthropicProvider(o: { apiKey: string; baseURL?: string; model: string; timeoutMs: number }): LlmProvider {
  const client = new Anthropic({ apiKey: o.apiKey, baseURL: o.baseURL, maxRetries: 0, timeout: o.timeoutMs });
  return {
    name: "anthropic",
    model: o.model,
    async complete(req: LlmRequest, signal?: AbortSignal): Promise<LlmReply> {
      const messages = req.messages.map((m, i) => ({
        role: m.role,
        content:
          i === 0 && req.images?.length
            ? [...req.images.map((img) => ({ type: "image" as const, source: { type: "base64" as const, media_type: "image/jpeg" as const, data: b64(img) } })), { type: "text" as const, text: m.text }]
            : m.text,
      }));
      const r = await client.messages.create({ model: o.model, max_tokens: req.maxTokens ?? 1500, system: req.system, messages }, { signal });
      const text = r.content.map((b) => (b.type === "text" ? b.text : "")).join("");
      return { text, inputTokens: r.usage.input_tokens, outputTokens: r.usage.output_tokens };
    },
  };
}

export function openaiProvider(o: { apiKey: string; baseURL?: string; model: string; timeoutMs: number }): LlmProvider {
  const client = new OpenAI({ apiKey: o.apiKey, baseURL: o.baseURL, maxRetries: 0, timeout: o.timeoutMs });
  return {
    name: "openai",
    model: o.model,
    async complete(req: LlmRequest, signal?: AbortSignal): Promise<LlmReply> {
      const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
        { role: "system", content: req.system },
        ...req.messages.map((m, i): OpenAI.Chat.ChatCompletionMessageParam =>
          m.role === "user"
            ? {
                role: "user",
                content:
                  i === 0 && req.images?.length
                    ? [{ type: "text", text: m.text }, ...req.images.map((img) => ({ type: "image_url" as const, image_url: { url: `data:image/jpeg;base64,${b64(img)}`, detail: "low" as const } }))]
                    : m.text,
              }
            : { role: "assistant", content: m.text },
        ),
      ];
      const r = await client.chat.completions.create({ model: o.model, max_tokens: req.maxTokens ?? 1500, messages, response_format: { type: "json_object" } }, { signal });
      return { text: r.choices[0]?.message?.content ?? "", inputTokens: r.usage?.prompt_tokens ?? 0, outputTokens: r.usage?.completion_tokens ?? 0 };
    },
  };
}
