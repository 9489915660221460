/**
 * Local analysis: the seed's judgement fields computed from measured signals with documented
 * formulas (no model guesses text it cannot see). Every score's source is recorded as
 * "local:<formula name>"; an LLM provider may later override a field and record itself.
 */
import type { Theme } from "../db/enums.ts";
import type { KeyMomentJson } from "../db/json-types.ts";
import type { AudioSummary, ClipAnalysis, VisualSummary } from "../indexing/types.ts";
import { describeScene, elementsOf } from "./describe.ts";

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.max(0, Math.min(1, x)) : 0);
const to10 = (x: number) => Math.round(clamp01(x) * 100) / 10;

/** COCO classes grouped by what a compilation theme cares about. */
export const ANIMALS = new Set(["bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe"]);
export const SPORTS_GEAR = new Set(["skateboard", "surfboard", "skis", "snowboard", "sports ball", "frisbee", "kite", "baseball bat", "baseball glove", "tennis racket", "bicycle", "motorcycle"]);

export function quantile(values: number[], q: number): number {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))));
  return s[i]!;
}

/** Per-step "energy" from motion and short-term loudness, both 0..1; key moments come from it. */
export function energyCurve(visual: VisualSummary, audio: AudioSummary): number[] {
  const step = visual.motionStep || 0.25;
  return visual.motionCurve.map((m, i) => {
    const t = i * step;
    const near = audio.loudnessCurve.length
      ? audio.loudnessCurve.reduce((best, p) => (Math.abs(p.time - t) < Math.abs(best.time - t) ? p : best))
      : undefined;
    // −50 LUFS is near silence and −10 LUFS very loud: map that span to 0..1.
    const loud = near ? clamp01((near.lufs + 50) / 40) : 0;
    return 0.65 * m + 0.35 * loud;
  });
}

/**
 * Key moments: "action" at the energy peak, "setup" where energy last sat near the baseline
 * before it, "payoff" where it settles after it (or the end). Times in seconds and relative 0..1.
 */
export function keyMoments(energy: number[], step: number, duration: number): KeyMomentJson[] {
  if (!energy.length || duration <= 0) return [];
  let peak = 0;
  energy.forEach((e, i) => {
    if (e > energy[peak]!) peak = i;
  });
  const base = quantile(energy, 0.3);
  const half = base + (energy[peak]! - base) * 0.5;
  let setup = peak;
  while (setup > 0 && energy[setup - 1]! > half) setup--;
  setup = Math.max(0, setup - Math.round(1 / step)); // one second of lead-in before the rise
  let payoff = peak;
  while (payoff < energy.length - 1 && energy[payoff + 1]! > half) payoff++;
  payoff = Math.min(energy.length - 1, payoff + Math.round(0.5 / step));
  const at = (i: number, event: KeyMomentJson["event"]): KeyMomentJson => {
    const timestamp = Math.min(duration, Math.round(i * step * 100) / 100);
    return { timestamp, relative: Math.round((timestamp / duration) * 1000) / 1000, event };
  };
  return [at(setup, "setup"), at(peak, "action"), at(payoff, "payoff")];
}

/** Computes the seed's analysis fields from the visual and audio passes. */
export function analyseLocally(visual: VisualSummary, audio: AudioSummary, durationSeconds: number): ClipAnalysis {
  const duration = Math.max(durationSeconds, visual.durationSeconds, 0.001);
  const motion = visual.motionCurve;
  const motionMean = motion.length ? motion.reduce((a, b) => a + b, 0) / motion.length : 0;
  const motionP90 = quantile(motion, 0.9);
  const motionMedian = quantile(motion, 0.5);
  const cutsPerMinute = visual.cuts.length / (duration / 60);
  const lufs = audio.integratedLufs ?? -70;
  const events = audio.soundEvents;
  const count = (names: string[]) => events.filter((e) => names.includes(e.event)).length;
  const impacts = count(["impact"]);
  const excitement = count(["scream", "cheering", "applause"]);
  const laughter = count(["laughter"]);
  const has = (names: Set<string>) => visual.objects.filter((o) => names.has(o.object)).reduce((m, o) => Math.max(m, o.confidence), 0);
  const animal = has(ANIMALS);
  const sportsGear = has(SPORTS_GEAR);
  const action = (name: string) => visual.actions.filter((a) => a.action === name).reduce((m, a) => Math.max(m, a.confidence), 0);
  const falling = action("falling");
  const jumping = action("jumping");
  const running = action("running");
  const hugging = action("hugging");
  const loudPeak = audio.loudnessCurve.length ? quantile(audio.loudnessCurve.map((p) => p.lufs), 0.98) : -70;
  const loudMedian = audio.loudnessCurve.length ? quantile(audio.loudnessCurve.map((p) => p.lufs), 0.5) : -70;

  // intensity: sustained motion dominates; cutting rate, loudness and impacts add energy.
  const intensity01 =
    0.45 * clamp01(motionP90 / 0.6) + 0.2 * clamp01(cutsPerMinute / 30) + 0.2 * clamp01((lufs + 45) / 30) + 0.15 * clamp01((impacts + excitement) / (duration / 5));
  // surprise: how far the peaks rise above the clip's own typical level (motion and sound).
  const surprise01 =
    0.45 * clamp01((motionP90 - motionMedian) / 0.4) + 0.35 * clamp01((loudPeak - loudMedian) / 20) + 0.2 * clamp01(impacts / 3) + 0.15 * falling;
  // impact: the single strongest moment (a hit, a fall, a flash of motion).
  const impact01 = Math.max(clamp01(quantile(motion, 0.99) / 0.7), clamp01(impacts / 2), falling, clamp01((loudPeak + 20) / 15));
  const shortEnough = duration >= 2 && duration <= 60;
  const standalone = shortEnough && visual.shots.length <= 8 && visual.blackRatio < 0.5;
  const subject = Math.max(animal, has(new Set(["person"])) * 0.7, visual.faces.count > 0 ? 0.6 : 0);
  const viral01 = 0.3 * intensity01 + 0.3 * surprise01 + 0.15 * (standalone ? 1 : 0.3) + 0.15 * subject + 0.1 * clamp01(laughter + excitement);

  const pacing = cutsPerMinute > 40 || motionP90 > 0.55 ? "frenetic" : cutsPerMinute > 15 || motionP90 > 0.3 ? "fast" : cutsPerMinute > 4 || motionP90 > 0.12 ? "medium" : "slow";
  const tone = laughter > 0
    ? "comic"
    : hugging > 0.4 || (animal > 0.5 && intensity01 < 0.5)
      ? "wholesome"
      : falling > 0.4 || impacts >= 2
        ? "chaotic"
        : excitement > 0 || (intensity01 > 0.6 && surprise01 > 0.4)
          ? "epic"
          : audio.hasSpeech && motionMean < 0.15
            ? "informative"
            : intensity01 > 0.45
              ? "tense"
              : "calm";
  const themes: Record<Theme, number> = {
    fails_accidents: to10(0.5 * falling + 0.3 * clamp01(impacts / 2) + 0.2 * surprise01),
    extreme_sports: to10(0.45 * sportsGear + 0.25 * Math.max(jumping, running) + 0.3 * intensity01),
    comedy: to10(0.55 * clamp01(laughter) + 0.25 * surprise01 + 0.2 * (tone === "comic" ? 1 : 0)),
    wholesome: to10(0.45 * Math.max(hugging, animal * (1 - intensity01)) + 0.3 * (tone === "wholesome" ? 1 : 0) + 0.25 * (visual.faces.count > 0 ? 1 - intensity01 : 0)),
    instant_regret: to10(0.5 * falling + 0.3 * clamp01(impacts) + 0.2 * (duration < 20 ? surprise01 : 0)),
    tutorial_fail: to10(0.5 * (audio.hasSpeech ? 1 : 0) * (falling > 0 || impacts > 0 ? 1 : 0.2) + 0.2 * clamp01(visual.onScreenText.length / 3)),
    animal_antics: to10(animal * (0.6 + 0.4 * clamp01(motionP90 / 0.4))),
    epic_wins: to10(0.4 * clamp01(excitement) + 0.3 * sportsGear * intensity01 + 0.3 * (tone === "epic" ? intensity01 : 0)),
  };
  const moments = keyMoments(energyCurve(visual, audio), visual.motionStep || 0.25, duration);
  const narrativeArc =
    visual.shots.length > 6
      ? "montage of short shots"
      : moments.length && surprise01 > 0.35
        ? "setup -> escalation -> payoff"
        : intensity01 < 0.25
          ? "steady, no clear climax"
          : "build-up -> peak";
  const elements = elementsOf(visual, audio);
  const tags: ClipAnalysis["tags"] = [
    ...visual.objects.map((o) => ({ tag: o.object, confidence: o.confidence, source: "local_analysis" as const })),
    ...visual.actions.map((a) => ({ tag: a.action, confidence: a.confidence, source: "local_analysis" as const })),
    ...events.map((e) => ({ tag: e.event, confidence: e.confidence, source: "local_analysis" as const })),
    ...(audio.hasSpeech ? [{ tag: "speech", confidence: 0.9, source: "local_analysis" as const }] : []),
    ...(audio.hasBackgroundMusic ? [{ tag: "music", confidence: 0.7, source: "local_analysis" as const }] : []),
    ...(visual.faces.count > 0 ? [{ tag: "face", confidence: Math.max(...visual.faces.boxes.map((b) => b.confidence), 0.7), source: "local_analysis" as const }] : []),
    { tag: tone, confidence: 0.6, source: "local_analysis" as const },
    { tag: `${pacing} pacing`, confidence: 0.6, source: "local_analysis" as const },
    ...Object.entries(themes)
      .filter(([, v]) => v >= 5)
      .map(([k, v]) => ({ tag: k.replace(/_/g, " "), confidence: v / 10, source: "local_analysis" as const })),
  ];
  return {
    sceneDescription: describeScene(visual, audio, duration, pacing),
    visualElements: elements,
    keyMoments: moments,
    emotionalTone: tone,
    intensity: to10(intensity01),
    surpriseFactor: to10(surprise01),
    viralPotential: to10(viral01),
    impactScore: to10(impact01),
    narrativeArc,
    standalone,
    pacing,
    themes,
    tags,
    scoreSources: Object.fromEntries(
      ["scene_description", "visual_elements", "key_moments", "emotional_tone", "intensity", "surprise_factor", "viral_potential", "impact_score", "narrative_arc", "standalone", "pacing", ...Object.keys(themes).map((t) => `theme_${t}`)].map((k) => [k, `local:score.ts#${k}`]),
    ),
  };
}
