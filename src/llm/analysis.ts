/**
 * Clip analysis by a multimodal LLM: keyframes (JPEG) plus the transcript and the local signals
 * go in; the seed's fields come out, validated by zod. Scores it gives replace the local ones and
 * say so in score_sources; what it leaves out stays local. On any failure the caller keeps the
 * local analysis and stores the reason.
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { EMOTIONAL_TONES, PACINGS, THEMES, type Theme } from "../db/enums.ts";
import type { AudioSummary, ClipAnalysis, VisualSummary } from "../indexing/types.ts";
import type { LlmClient } from "./client.ts";

const score = z.number().min(0).max(10);

export const llmAnalysisSchema = z.object({
  scene_description: z.string().trim().min(10).max(1000),
  visual_elements: z.array(z.string().trim().min(1).max(60)).max(30),
  key_moments: z.array(z.object({ timestamp: z.number().min(0), event: z.enum(["setup", "action", "payoff"]) })).max(12),
  emotional_tone: z.enum(EMOTIONAL_TONES),
  intensity: score,
  surprise_factor: score,
  viral_potential: score,
  narrative_arc: z.string().trim().min(2).max(300),
  standalone: z.boolean(),
  pacing: z.enum(PACINGS),
  themes: z.partialRecord(z.enum(THEMES), score),
  tags: z.array(z.string().trim().min(1).max(40)).max(30),
});
export type LlmAnalysis = z.infer<typeof llmAnalysisSchema>;

const SYSTEM = `You analyse short video clips for a compilation editor. You get keyframes in time order, the transcript and what local detectors found. Reply with ONE JSON object and nothing else, with exactly these keys:
scene_description (one or two sentences), visual_elements (short nouns), key_moments ([{timestamp seconds, event: "setup"|"action"|"payoff"}]), emotional_tone (one of ${EMOTIONAL_TONES.join(", ")}), intensity, surprise_factor, viral_potential (0-10), narrative_arc (short phrase), standalone (boolean), pacing (${PACINGS.join(", ")}), themes (object with any of ${THEMES.join(", ")} scored 0-10), tags (short lowercase words).`;

export interface AnalysisInput {
  visual: VisualSummary;
  audio: AudioSummary;
  durationSeconds: number;
  local: ClipAnalysis;
}

/** The prompt text: facts the model cannot see in four frames. */
export function describeSignals(i: AnalysisInput): string {
  const objects = [...new Set(i.visual.objects.map((o) => o.object))].join(", ") || "none";
  const actions = i.visual.actions.map((a) => `${a.action} ${a.timespan[0].toFixed(1)}-${a.timespan[1].toFixed(1)}s`).join(", ") || "none";
  return [
    `Duration: ${i.durationSeconds.toFixed(1)} s; shots: ${i.visual.shots.length}; keyframes at ${i.visual.keyframes.slice(0, 4).map((k) => `${k.time.toFixed(1)}s`).join(", ")}.`,
    `Objects: ${objects}. Actions from pose: ${actions}. Faces: ${i.visual.faces.count}.`,
    `On-screen text: ${i.visual.onScreenText.map((l) => l.text).join(" / ") || "none"}.`,
    `Transcript: ${i.audio.transcript?.trim() || "(no speech recognised)"}.`,
    `Sounds: ${i.audio.soundEvents.map((e) => e.event).join(", ") || "none"}; loudness ${i.audio.integratedLufs?.toFixed(1) ?? "n/a"} LUFS.`,
    `Local estimate: tone ${i.local.emotionalTone}, intensity ${i.local.intensity}, pacing ${i.local.pacing}.`,
  ].join("\n");
}

export async function analyseWithLlm(client: LlmClient, i: AnalysisInput, signal?: AbortSignal): Promise<ClipAnalysis> {
  const images = await Promise.all(i.visual.keyframes.slice(0, 4).map(async (k) => new Uint8Array(await readFile(k.imagePath))));
  const { value: v } = await client.completeJson("analysis", { system: SYSTEM, messages: [{ role: "user", text: describeSignals(i) }], images, maxTokens: 1200 }, llmAnalysisSchema, { signal });
  const src = `llm:${client.provider.name}:${client.provider.model}`;
  const d = i.durationSeconds || 1;
  const themes = { ...i.local.themes };
  for (const [k, val] of Object.entries(v.themes)) if (typeof val === "number") themes[k as Theme] = val;
  const sources: Record<string, string> = { ...i.local.scoreSources };
  for (const k of ["scene_description", "emotional_tone", "intensity", "surprise_factor", "viral_potential", "narrative_arc", "standalone", "pacing", "key_moments"]) sources[k] = src;
  for (const k of Object.keys(v.themes)) sources[`theme_${k}`] = src;
  return {
    ...i.local,
    sceneDescription: v.scene_description,
    visualElements: [...new Set([...v.visual_elements.map((e) => e.toLowerCase()), ...i.local.visualElements])].slice(0, 30),
    keyMoments: v.key_moments.length
      ? v.key_moments.filter((m) => m.timestamp <= d).map((m) => ({ timestamp: m.timestamp, relative: Math.round((m.timestamp / d) * 1000) / 1000, event: m.event }))
      : i.local.keyMoments,
    emotionalTone: v.emotional_tone,
    intensity: v.intensity,
    surpriseFactor: v.surprise_factor,
    viralPotential: v.viral_potential,
    narrativeArc: v.narrative_arc,
    standalone: v.standalone,
    pacing: v.pacing,
    themes,
    tags: [...i.local.tags, ...v.tags.map((t) => ({ tag: t.toLowerCase(), confidence: 0.8, source: "llm_analysis" as const }))],
    scoreSources: sources,
  };
}
