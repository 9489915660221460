/**
 * The LLM's part in search and curation: query expansion (more words a clip's document may use
 * for each concept) and re-ranking (the model judges how well each candidate's description fits
 * the query). Both are cached by content hash like every LLM request; both leave the lexical
 * result unchanged when the LLM fails.
 */
import { z } from "zod";
import type { LlmClient } from "./client.ts";

const expansionSchema = z.object({
  concepts: z.array(z.object({ term: z.string().trim().min(1).max(60), alternatives: z.array(z.string().trim().min(1).max(60)).max(8) })).max(10),
});

/** Alternatives per concept of the query, lower-cased; {} when the LLM cannot help. */
export async function expandWithLlm(client: LlmClient, query: string, concepts: string[]): Promise<Record<string, string[]>> {
  if (!concepts.length) return {};
  try {
    const { value } = await client.completeJson(
      "expansion",
      {
        system: `You expand video search queries. For each concept give up to 6 words or short phrases a description of a matching video clip might use instead (synonyms, kinds of it, typical visible or audible signs). Reply with JSON only: {"concepts":[{"term":"...","alternatives":["..."]}]}.`,
        messages: [{ role: "user", text: `Query: ${query}\nConcepts: ${concepts.join(", ")}` }],
        maxTokens: 400,
      },
      expansionSchema,
      { repairs: 1 },
    );
    const out: Record<string, string[]> = {};
    for (const c of value.concepts) if (concepts.includes(c.term.toLowerCase())) out[c.term.toLowerCase()] = c.alternatives.map((a) => a.toLowerCase());
    return out;
  } catch {
    return {};
  }
}

const rerankSchema = z.object({ scores: z.array(z.object({ id: z.string(), score: z.number().min(0).max(10) })) });

/** Relevance 0..1 by candidate id as the LLM judges it; null when it cannot help. */
export async function rerankWithLlm(client: LlmClient, query: string, candidates: { id: string; text: string }[]): Promise<Map<string, number> | null> {
  if (candidates.length < 2) return null;
  try {
    const { value } = await client.completeJson(
      "rerank",
      {
        system: `You rank video clips for a search. Score how well each clip's description matches the query, 0 (unrelated) to 10 (exactly it). Reply with JSON only: {"scores":[{"id":"...","score":0-10}]} covering every id.`,
        messages: [{ role: "user", text: `Query: ${query}\n${candidates.map((c) => `[${c.id}] ${c.text.slice(0, 400)}`).join("\n")}` }],
        maxTokens: 60 + candidates.length * 20,
      },
      rerankSchema,
      { repairs: 1 },
    );
    const known = new Set(candidates.map((c) => c.id));
    return new Map(value.scores.filter((s) => known.has(s.id)).map((s) => [s.id, s.score / 10]));
  } catch {
    return null;
  }
}

const metadataSchema = z.object({
  title: z.string().trim().min(5).max(100),
  description: z.string().trim().min(20).max(4000),
  tags: z.array(z.string().trim().min(1).max(40)).min(3).max(20),
});
export type LlmMetadata = z.infer<typeof metadataSchema>;

/** A title, description (the chapters are kept as given) and tags for a production; null on failure. */
export async function metadataWithLlm(client: LlmClient, theme: string, draft: { title: string; description: string; tags: string[] }, clips: string[]): Promise<LlmMetadata | null> {
  try {
    const { value } = await client.completeJson(
      "metadata",
      {
        system: `You write titles, descriptions and tags for compilation videos on video platforms: a catchy but honest title (under 70 characters), a description that keeps every chapter line and credit line of the draft verbatim, and 8-15 lowercase tags. Reply with JSON only: {"title":"...","description":"...","tags":["..."]}.`,
        messages: [{ role: "user", text: `Theme: ${theme}\nClips: ${clips.join("; ")}\nDraft title: ${draft.title}\nDraft description:\n${draft.description}\nDraft tags: ${draft.tags.join(", ")}` }],
        maxTokens: 1200,
      },
      metadataSchema,
      { repairs: 1 },
    );
    // Chapters and credits are facts: a description that lost any of them is not used.
    const keep = draft.description.split("\n").filter((l) => /^\d\d:\d\d/.test(l) || l.startsWith("- "));
    if (!keep.every((l) => value.description.includes(l))) return { ...value, description: draft.description };
    return value;
  } catch {
    return null;
  }
}

const thumbnailSchema = z.object({ clip: z.string().trim().min(1), time: z.number().min(0), reason: z.string().trim().min(3).max(300) });

/**
 * The third thumbnail pick by the LLM (the seed's third variant): from the cut's key moments it
 * names the single most click-worthy frame. Only a clip in the cut and a time inside it count.
 */
export async function thumbnailWithLlm(
  client: LlmClient,
  theme: string,
  moments: { externalId: string; durationSeconds: number; description: string; keyMoments: { timestamp: number; event: string }[] }[],
): Promise<{ externalId: string; time: number; reason: string } | null> {
  if (!moments.length) return null;
  try {
    const { value } = await client.completeJson(
      "metadata",
      {
        system: `You pick video thumbnails that make people click without misleading them. From the clips of a compilation and their key moments, choose the one frame for the thumbnail. Reply with JSON only: {"clip":"<clip id>","time":<seconds into that clip>,"reason":"..."}.`,
        messages: [{ role: "user", text: `Theme: ${theme}\n${moments.map((m) => `${m.externalId} (${m.durationSeconds.toFixed(1)} s): ${m.description}; moments ${m.keyMoments.map((k) => `${k.event}@${k.timestamp.toFixed(1)}s`).join(", ") || "none"}`).join("\n")}` }],
        maxTokens: 200,
      },
      thumbnailSchema,
      { repairs: 1 },
    );
    const clip = moments.find((m) => m.externalId === value.clip);
    if (!clip || value.time > clip.durationSeconds) return null;
    return { externalId: clip.externalId, time: value.time, reason: value.reason };
  } catch {
    return null;
  }
}

