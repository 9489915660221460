import { describe, expect, test } from "bun:test";
import type { ClipRow } from "../db/repositories/clips.ts";
import type { Pick } from "./curate.ts";
import { buildTimeline, fitPicks } from "./edit.ts";
import { planProduction } from "./plan.ts";

/** A clip row with what the editor reads; the rest of the row does not matter here. */
function clip(i: number, duration: number): ClipRow {
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    externalId: `clip_${String(i).padStart(4, "0")}`,
    filePath: `/library/clip_${i}.mp4`,
    durationSeconds: duration,
    keyMoments: [{ timestamp: duration / 2, relative: 0.5, event: "action" }],
    loudnessLufs: -20,
    resolutionWidth: 640,
    resolutionHeight: 360,
    fps: 25,
    audioCodec: "aac",
    customMetadata: {},
    detectedObjects: [],
    visualElements: ["person"],
  } as unknown as ClipRow;
}

const pick = (i: number, duration: number, score: number): Pick => ({ clip: clip(i, duration), score, relevance: 1, reason: `pick ${i}` });

describe("fitting many short clips into a short target", () => {
  test("six 3 s clips into 12 s: the weakest go until the rest fit, and the cut lands within ±2%", () => {
    const plan = planProduction({ target_duration: 12, style: "energetic" });
    const picks = [pick(1, 3, 0.9), pick(2, 3, 0.2), pick(3, 3, 0.8), pick(4, 3, 0.1), pick(5, 3, 0.7), pick(6, 3, 0.6)];
    const kept = fitPicks(picks, plan);
    expect(kept.map((p) => p.clip.externalId)).toEqual(["clip_0001", "clip_0003", "clip_0005", "clip_0006"]);
    const tl = buildTimeline(picks, plan, { productionId: "p", aspect: "16:9", resolution: "360p" });
    expect(Math.abs(tl.duration - 12) / 12).toBeLessThanOrEqual(0.02);
    expect(tl.entries).toHaveLength(4);
  });

  test("the opening pick stays even when it scores lowest; clips that fit are all kept", () => {
    const plan = planProduction({ target_duration: 30, style: "energetic" });
    const picks = [pick(1, 10, 0.1), pick(2, 10, 0.9), pick(3, 10, 0.8)];
    expect(fitPicks(picks, plan)).toHaveLength(3);
    const tight = planProduction({ target_duration: 5, style: "energetic" });
    expect(fitPicks(picks, tight).map((p) => p.clip.externalId)).toEqual(["clip_0001", "clip_0002"]);
  });
});
