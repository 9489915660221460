/** The LLM layer's shapes: tasks, a request with images, a provider's raw reply. */
export const LLM_TASKS = ["analysis", "expansion", "rerank", "metadata"] as const;
export type LlmTask = (typeof LLM_TASKS)[number];

export interface LlmMessage {
  role: "user" | "assistant";
  text: string;
}

export interface LlmRequest {
  system: string;
  /** The conversation; images go with the first user message. */
  messages: LlmMessage[];
  /** JPEG bytes, sized for the model (the caller scales keyframes down). */
  images?: Uint8Array[];
  maxTokens?: number;
}

export interface LlmReply {
  text: string;
  inputTokens: number;
  outputTokens: number;
}

/** One provider behind the same call: Anthropic Messages, OpenAI (or compatible) Chat Completions. */
export interface LlmProvider {
  readonly name: "anthropic" | "openai";
  readonly model: string;
  complete(req: LlmRequest, signal?: AbortSignal): Promise<LlmReply>;
}
