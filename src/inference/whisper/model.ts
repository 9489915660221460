/**
 * Whisper on onnxruntime-node, as `models pull whisper-tiny-en` lays out Xenova/whisper-tiny.en:
 * an encoder (input_features [batch, mels, 3000] → last_hidden_state [batch, T, d]) and a merged
 * decoder with KV cache (input_ids, encoder_hidden_states, past_key_values.N.{decoder,encoder}.
 * {key,value}, use_cache_branch → logits, present.N.…). The layer count, heads and head size are
 * read from the sessions' names and metadata (config.json only fills gaps), never hard-coded.
 * Decoding is greedy with timestamp tokens, so each segment has times; word times inside a
 * segment are spread over it by character length (Whisper gives no per-word times without
 * cross-attention alignment, which this export does not output).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { InferenceSession, Tensor } from "onnxruntime-node";
import { z } from "zod";
import type { WordTime } from "../../analysis/types.ts";
import { chunk30s, LogMelExtractor, N_FRAMES } from "./features.ts";
import { loadWhisperVocab, type WhisperVocab } from "./tokens.ts";

type Ort = typeof import("onnxruntime-node");

export const WHISPER_FILES = { encoder: "onnx/encoder_model_quantized.onnx", decoder: "onnx/decoder_model_merged_quantized.onnx", tokenizer: "tokenizer.json" } as const;

const GenerationConfig = z
  .object({
    suppress_tokens: z.array(z.number().int()).optional(),
    begin_suppress_tokens: z.array(z.number().int()).optional(),
    max_length: z.number().int().positive().optional(),
  })
  .passthrough();
const ModelConfig = z
  .object({
    max_target_positions: z.number().int().positive().optional(),
    decoder_attention_heads: z.number().int().positive().optional(),
    d_model: z.number().int().positive().optional(),
    num_mel_bins: z.number().int().positive().optional(),
  })
  .passthrough();
const PreprocessorConfig = z.object({ feature_size: z.number().int().positive().optional(), num_mel_bins: z.number().int().positive().optional() }).passthrough();

function readJson<T extends z.ZodTypeAny>(path: string, schema: T): z.infer<T> | null {
  if (!existsSync(path)) return null;
  try {
    return schema.parse(JSON.parse(readFileSync(path, "utf8")));
  } catch (err) {
    throw new Error(`${path} is not valid: ${(err as Error).message.split("\n")[0]}`);
  }
}

export interface WhisperSegment {
  start: number;
  end: number;
  text: string;
}

export interface WhisperResult {
  text: string;
  words: WordTime[];
  segments: WhisperSegment[];
  /** Every decode step's use_cache_branch, for the tests that check the KV-cache loop. */
  steps: { cache: boolean; pastLength: number }[];
}

interface PastSpec {
  name: string; // past_key_values.N.kind.key|value
  present: string; // present.N.kind.key|value
  heads: number;
  headDim: number;
  encoder: boolean;
}

/** A loaded Whisper: its sessions, vocabulary and decoding settings. */
export class Whisper {
  private readonly extractor: LogMelExtractor;
  private constructor(
    private readonly ort: Ort,
    readonly encoder: InferenceSession,
    readonly decoder: InferenceSession,
    readonly vocab: WhisperVocab,
    private readonly past: PastSpec[],
    private readonly suppress: Set<number>,
    private readonly beginSuppress: Set<number>,
    private readonly maxLength: number,
    readonly nMels: number,
  ) {
    this.extractor = new LogMelExtractor(nMels);
  }

  /** Opens the model in `dir`; throws with the reason when a file is missing, broken or of another shape. */
  static async load(ort: Ort, dir: string): Promise<Whisper> {
    for (const f of Object.values(WHISPER_FILES)) if (!existsSync(join(dir, f))) throw new Error(`Whisper file missing: ${join(dir, f)}`);
    const vocab = loadWhisperVocab(join(dir, WHISPER_FILES.tokenizer));
    const gen = readJson(join(dir, "generation_config.json"), GenerationConfig);
    const cfg = readJson(join(dir, "config.json"), ModelConfig);
    const pre = readJson(join(dir, "preprocessor_config.json"), PreprocessorConfig);
    const nMels = pre?.feature_size ?? pre?.num_mel_bins ?? cfg?.num_mel_bins ?? 80;
    const options: InferenceSession.SessionOptions = { executionProviders: ["cpu"], graphOptimizationLevel: "all", logSeverityLevel: 3 };
    const open = async (f: string) => {
      try {
        return await ort.InferenceSession.create(join(dir, f), options);
      } catch (err) {
        throw new Error(`Whisper ${f} cannot be opened: ${(err as Error).message.split("\n")[0]}`);
      }
    };
    const encoder = await open(WHISPER_FILES.encoder);
    const decoder = await open(WHISPER_FILES.decoder).catch(async (err: unknown) => {
      await encoder.release();
      throw err;
    });
    try {
      if (!encoder.inputNames.includes("input_features")) throw new Error(`Whisper encoder inputs are [${encoder.inputNames.join(", ")}], expected input_features`);
      for (const n of ["input_ids", "encoder_hidden_states", "use_cache_branch"]) {
        if (!decoder.inputNames.includes(n)) throw new Error(`Whisper decoder inputs are [${decoder.inputNames.join(", ")}], expected ${n} (a merged decoder with KV cache)`);
      }
      if (!decoder.outputNames.includes("logits")) throw new Error(`Whisper decoder outputs are [${decoder.outputNames.join(", ")}], expected logits`);
      const past: PastSpec[] = [];
      for (const meta of decoder.inputMetadata) {
        const m = meta.name.match(/^past_key_values\.(\d+)\.(decoder|encoder)\.(key|value)$/);
        if (!m) continue;
        const present = `present.${m[1]}.${m[2]}.${m[3]}`;
        if (!decoder.outputNames.includes(present)) throw new Error(`Whisper decoder has input ${meta.name} but no output ${present}`);
        const shape = meta.isTensor ? meta.shape : [];
        const heads = typeof shape[1] === "number" ? shape[1] : cfg?.decoder_attention_heads;
        const headDim = typeof shape[3] === "number" ? shape[3] : cfg?.d_model && cfg.decoder_attention_heads ? cfg.d_model / cfg.decoder_attention_heads : undefined;
        if (!heads || !headDim) throw new Error(`Whisper decoder input ${meta.name} has shape [${shape.join(", ")}] and config.json does not give heads/d_model`);
        past.push({ name: meta.name, present, heads, headDim, encoder: m[2] === "encoder" });
      }
      if (past.length === 0) throw new Error("Whisper decoder has no past_key_values.* inputs (expected the merged decoder with KV cache)");
      const maxLength = Math.min(gen?.max_length ?? 448, cfg?.max_target_positions ?? 448);
      return new Whisper(ort, encoder, decoder, vocab, past, new Set(gen?.suppress_tokens ?? []), new Set(gen?.begin_suppress_tokens ?? []), maxLength, nMels);
    } catch (err) {
      await Promise.all([encoder.release(), decoder.release()]);
      throw err;
    }
  }

  async release(): Promise<void> {
    await Promise.all([this.encoder.release(), this.decoder.release()]);
  }

  /** Log-mel features of one 30 s window (exposed for the benchmark). */
  features(pcm: Float32Array): Float32Array {
    return this.extractor.extract(pcm);
  }

  /** Transcribes 16 kHz mono audio, 30 s window by window. */
  async transcribe(pcm: Float32Array, signal?: AbortSignal): Promise<WhisperResult> {
    const segments: WhisperSegment[] = [];
    const steps: WhisperResult["steps"] = [];
    for (const chunk of chunk30s(pcm)) {
      signal?.throwIfAborted();
      const duration = chunk.pcm.length / 16000;
      for (const s of await this.decodeWindow(chunk.pcm, steps, signal)) {
        const start = Math.min(s.start, duration);
        const end = Math.max(start, Math.min(s.end, duration));
        if (s.text.trim()) segments.push({ start: chunk.offset + start, end: chunk.offset + end, text: s.text.trim() });
      }
    }
    const words = segments.flatMap(spreadWords);
    return { text: segments.map((s) => s.text).join(" "), words, segments, steps };
  }

  private async decodeWindow(pcm: Float32Array, steps: WhisperResult["steps"], signal?: AbortSignal): Promise<WhisperSegment[]> {
    const { ort, vocab } = this;
    const feats = this.features(pcm);
    const enc = await this.encoder.run({ input_features: new ort.Tensor("float32", feats, [1, this.nMels, N_FRAMES]) });
    const hidden = enc[this.encoder.outputNames.includes("last_hidden_state") ? "last_hidden_state" : this.encoder.outputNames[0]!]!;
    // Without timestamp tokens the prompt asks for none (<|notimestamps|>), as Whisper does.
    const prompt = [vocab.sot, ...vocab.langTask, ...(vocab.timestamps.size === 0 && vocab.noTimestamps !== null ? [vocab.noTimestamps] : [])];
    const tokens: number[] = [];
    let past: Record<string, Tensor> = {};
    for (const p of this.past) past[p.name] = new ort.Tensor("float32", new Float32Array(0), [1, p.heads, 0, p.headDim]);
    let input = prompt;
    let cache = false;
    let pastLength = 0;
    while (prompt.length + tokens.length < this.maxLength) {
      signal?.throwIfAborted();
      const ids = new ort.Tensor("int64", BigInt64Array.from(input.map(BigInt)), [1, input.length]);
      const out = await this.decoder.run({ input_ids: ids, encoder_hidden_states: hidden, use_cache_branch: new ort.Tensor("bool", Uint8Array.from([cache ? 1 : 0]), [1]), ...past });
      steps.push({ cache, pastLength });
      const logits = out.logits!;
      const vocabSize = logits.dims[2]!;
      const row = (logits.data as Float32Array).subarray((input.length - 1) * vocabSize, input.length * vocabSize);
      const next = this.pick(row, tokens);
      const nextPast: Record<string, Tensor> = {};
      for (const p of this.past) {
        const present = out[p.present] as Tensor;
        // In the cache branch the merged export passes the encoder keys/values through (or outputs
        // an empty placeholder): keep the first step's.
        nextPast[p.name] = p.encoder && cache && (present.dims[2] ?? 0) === 0 ? past[p.name]! : present;
      }
      past = nextPast;
      pastLength += input.length;
      if (next === vocab.eot) break;
      tokens.push(next);
      input = [next];
      cache = true;
    }
    return this.segmentsOf(tokens);
  }

  /**
   * Greedy choice with Whisper's suppression and timestamp rules (decoding.py ApplyTimestampRules):
   * a window opens with a timestamp no later than 1 s, timestamps come in pairs and never go back,
   * and a timestamp is taken whenever their total probability beats the best text token.
   */
  private pick(logits: Float32Array, tokens: number[]): number {
    const { vocab } = this;
    const ts = vocab.timestamps;
    const timed = ts.size > 0;
    const last = tokens.at(-1);
    const lastIsTs = last !== undefined && ts.has(last);
    const penultimateIsTs = tokens.length < 2 || ts.has(tokens.at(-2)!);
    let lastTime = -1;
    for (const t of tokens) if (ts.has(t)) lastTime = Math.max(lastTime, ts.get(t)!);
    let bestText = -1;
    let bestTs = -1;
    let tsMax = -Infinity;
    const allowed: number[] = [];
    for (let id = 0; id < logits.length; id++) {
      if (this.suppress.has(id) || id === vocab.sot || vocab.langTask.includes(id)) continue;
      if (timed && id === vocab.noTimestamps) continue;
      if (tokens.length === 0 && this.beginSuppress.has(id)) continue;
      const isTs = ts.has(id);
      if (timed) {
        if (tokens.length === 0 && (!isTs || ts.get(id)! > 1)) continue; // opens with a timestamp ≤ 1 s
        if (isTs) {
          if (ts.get(id)! < lastTime) continue;
          if (lastIsTs && penultimateIsTs) continue; // a pair was just closed (or opened): text follows
        } else if (lastIsTs && !penultimateIsTs && id !== vocab.eot) continue; // after a closing timestamp: another or the end
      } else if (isTs) continue;
      allowed.push(id);
      if (isTs) {
        if (bestTs < 0 || logits[id]! > logits[bestTs]!) bestTs = id;
        tsMax = Math.max(tsMax, logits[id]!);
      } else if (bestText < 0 || logits[id]! > logits[bestText]!) bestText = id;
    }
    if (bestTs < 0) return bestText < 0 ? vocab.eot : bestText;
    if (bestText < 0) return bestTs;
    // log Σ exp over the allowed timestamps, against the best text logit (same softmax denominator).
    let sum = 0;
    for (const id of allowed) if (ts.has(id)) sum += Math.exp(logits[id]! - tsMax);
    return tsMax + Math.log(sum) > logits[bestText]! ? bestTs : bestText;
  }

  /** Timestamp-delimited segments; text after the last timestamp runs to the window's end (30 s). */
  private segmentsOf(tokens: number[]): WhisperSegment[] {
    const ts = this.vocab.timestamps;
    const out: WhisperSegment[] = [];
    let start = 0;
    let text: number[] = [];
    for (const t of tokens) {
      if (ts.has(t)) {
        if (text.length) out.push({ start, end: ts.get(t)!, text: this.vocab.decode(text) });
        text = [];
        start = ts.get(t)!;
      } else text.push(t);
    }
    if (text.length) out.push({ start, end: 30, text: this.vocab.decode(text) });
    return out;
  }
}

/** Words of a segment with times spread across it in proportion to their character length. */
export function spreadWords(s: WhisperSegment): WordTime[] {
  const words = s.text.split(/\s+/).filter(Boolean);
  const chars = words.reduce((n, w) => n + w.length, 0);
  const out: WordTime[] = [];
  let t = s.start;
  for (const w of words) {
    const d = chars ? ((s.end - s.start) * w.length) / chars : 0;
    out.push({ word: w, start: Math.round(t * 1000) / 1000, end: Math.round((t + d) * 1000) / 1000 });
    t += d;
  }
  return out;
}
