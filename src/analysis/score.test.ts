import { describe, expect, test } from "bun:test";
import type { AudioSummary, VisualSummary } from "../indexing/types.ts";
import { analyseLocally, keyMoments, quantile } from "./score.ts";

function visual(over: Partial<VisualSummary> = {}): VisualSummary {
  return {
    durationSeconds: 10,
    framesDecoded: 250,
    cuts: [],
    shots: [{ start: 0, end: 10, kind: "start" }],
    motionCurve: Array.from({ length: 40 }, () => 0.05),
    motionStep: 0.25,
    keyframes: [],
    thumbnail: { time: 5, imagePath: "/x.jpg" },
    fingerprint: [],
    meanLuma: 120,
    blackRatio: 0,
    blackSpans: [],
    frozenSpans: [],
    watermark: null,
    objects: [],
    faces: { count: 0, boxes: [] },
    onScreenText: [],
    actions: [],
    absent: [],
    ...over,
  };
}

function audio(over: Partial<AudioSummary> = {}): AudioSummary {
  return {
    hasAudio: true,
    integratedLufs: -30,
    loudnessRange: 3,
    truePeakDb: -6,
    loudnessCurve: Array.from({ length: 40 }, (_, i) => ({ time: i * 0.25, lufs: -30 })),
    silences: [],
    hasSpeech: false,
    speechSegments: [],
    hasBackgroundMusic: false,
    dominantFrequencyHz: 200,
    soundEvents: [],
    transcript: "",
    words: [],
    transcriptSource: null,
    absent: [],
    ...over,
  };
}

describe("local analysis formulas", () => {
  test("quantile picks the nearest-rank value", () => {
    expect(quantile([5, 1, 3], 0.5)).toBe(3);
    expect(quantile([], 0.9)).toBe(0);
  });

  test("a still, quiet clip is calm and slow; a busy loud one is intense and fast", () => {
    const calm = analyseLocally(visual(), audio({ integratedLufs: -45 }), 10);
    expect(calm.pacing).toBe("slow");
    expect(calm.emotionalTone).toBe("calm");
    const busyMotion = Array.from({ length: 40 }, (_, i) => (i > 20 && i < 28 ? 0.9 : 0.4));
    const busy = analyseLocally(
      visual({ motionCurve: busyMotion, cuts: [2, 4, 6, 8], shots: [0, 2, 4, 6, 8].map((s) => ({ start: s, end: s + 2, kind: "cut" as const })) }),
      audio({ integratedLufs: -16, soundEvents: [{ event: "impact", start: 5.5, end: 5.7, confidence: 0.8, source: "rule:onset" }] }),
      10,
    );
    expect(busy.intensity).toBeGreaterThan(calm.intensity + 3);
    expect(["fast", "frenetic"]).toContain(busy.pacing);
    expect(busy.surpriseFactor).toBeGreaterThan(calm.surpriseFactor);
    for (const a of [calm, busy]) {
      for (const v of [a.intensity, a.surpriseFactor, a.viralPotential, a.impactScore, ...Object.values(a.themes)]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(10);
      }
      expect(Object.keys(a.scoreSources)).toContain("viral_potential");
    }
  });

  test("a dog scores on animal antics and is described as such", () => {
    const a = analyseLocally(visual({ objects: [{ object: "dog", confidence: 0.9, bbox: [0, 0, 1, 1], time: 2 }] }), audio(), 10);
    expect(a.themes.animal_antics).toBeGreaterThan(5);
    expect(a.visualElements[0]).toBe("dog");
    expect(a.sceneDescription).toContain("dog");
    expect(a.tags.find((t) => t.tag === "dog")?.confidence).toBeCloseTo(0.9);
  });

  test("key moments put setup before action before payoff, around the energy peak", () => {
    const energy = [0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.7, 0.9, 0.6, 0.2, 0.1, 0.1];
    const m = keyMoments(energy, 1, 12);
    expect(m.map((x) => x.event)).toEqual(["setup", "action", "payoff"]);
    expect(m[1]!.timestamp).toBe(7);
    expect(m[0]!.timestamp).toBeLessThan(m[1]!.timestamp);
    expect(m[2]!.timestamp).toBeGreaterThan(m[1]!.timestamp);
    expect(m[1]!.relative).toBeCloseTo(7 / 12, 2);
  });
});
