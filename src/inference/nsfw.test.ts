/**
 * Brand safety with the two models nsfwjs ships, on real corpus frames. No unsafe footage exists
 * here, so the rule's positive path is shown on the corpus's known false positive, a cockatoo
 * close-up both models score as explicit: flagged when the clip is taken to show a person, and
 * kept clear by the person condition, which is what that condition is for.
 */
import { beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import type { RgbFrame } from "../analysis/types.ts";
import { analyseVisual } from "../analysis/visual/index.ts";
import { probe } from "../media/probe.ts";
import { checkSafety, createNsfwClassifier, NO_PERSON_GATE, NSFW_CLASSES, NSFW_CONFIRM, NSFW_SCREEN, unsafeVerdict, type NsfwClassifier, type NsfwScores } from "./nsfw.ts";

const CLIPS = join(import.meta.dir, "..", "..", "..", "shared", "corpus", "clips");
let nsfw: NsfwClassifier;
const keyframes = async (name: string): Promise<RgbFrame[]> => {
  const path = join(CLIPS, name);
  return (await analyseVisual(path, await probe(path))).keyframes.map((k) => k.frame);
};

beforeAll(async () => {
  const c = await createNsfwClassifier();
  if ("absent" in c) throw new Error(c.absent);
  nsfw = c;
}, 120_000);

const scores = (s: Partial<NsfwScores>): NsfwScores => ({ Drawing: 0, Hentai: 0, Neutral: 0, Porn: 0, Sexy: 0, ...s });

test("the rule's bars: explicit is porn + hentai, suggestive is held higher, the confirming bar is higher still", () => {
  expect(unsafeVerdict(scores({ Porn: 0.35, Hentai: 0.25, Neutral: 0.4 }), 2)).toEqual({ time: 2, label: "explicit", score: 0.6 });
  expect(unsafeVerdict(scores({ Porn: 0.35, Hentai: 0.25, Neutral: 0.4 }), 2, NSFW_CONFIRM)).toBeNull();
  expect(unsafeVerdict(scores({ Sexy: 0.79, Neutral: 0.21 }), 1)).toBeNull();
  expect(unsafeVerdict(scores({ Sexy: 0.85, Neutral: 0.15 }), 1)).toEqual({ time: 1, label: "suggestive", score: 0.85 });
  expect(unsafeVerdict(scores({ Sexy: 0.85, Neutral: 0.15 }), 1, NSFW_CONFIRM)).toBeNull();
  expect(NSFW_CONFIRM.explicit).toBeGreaterThan(NSFW_SCREEN.explicit);
});

test("both models give five probabilities summing to 1; a 1928 cartoon reads as a drawing (MobileNetV2Mid), a basketball game as neutral (MobileNetV2)", async () => {
  const cartoon = (await keyframes("cartoon_steamboat_willie_1928.mp4"))[0]!;
  const game = (await keyframes("sports_basketball_game.mp4"))[0]!;
  for (const f of [cartoon, game])
    for (const s of [await nsfw.screen(f), await nsfw.confirm(f)]) {
      expect(Object.keys(s).sort()).toEqual([...NSFW_CLASSES]);
      expect(Math.abs(Object.values(s).reduce((a, b) => a + b, 0) - 1)).toBeLessThan(0.01);
    }
  const top = (s: NsfwScores) => Object.entries(s).sort((a, b) => b[1] - a[1])[0]![0];
  expect(top(await nsfw.confirm(cartoon))).toBe("Drawing");
  expect(top(await nsfw.screen(game))).toBe("Neutral");
}, 120_000);

test("the cockatoo close-up: screened positive and confirmed when a person is taken to be there; cleared by the person condition", async () => {
  const frames = await keyframes("imageio_cockatoo_closeup.mp4");
  const withPerson = await checkSafety(nsfw, frames, { person: true });
  expect(withPerson.confirmed).toBeGreaterThan(0);
  expect(withPerson.unsafe.length).toBeGreaterThanOrEqual(2);
  expect(withPerson.flagged).toBe(true);
  for (const u of withPerson.unsafe) expect(u.score).toBeGreaterThanOrEqual(NSFW_CONFIRM.explicit);
  // As indexed (no person found in it): not screened at all, so the false alarm never happens.
  const asIs = await checkSafety(nsfw, frames, { person: false });
  expect(asIs).toEqual({ frames: 0, confirmed: 0, gate: NO_PERSON_GATE, unsafe: [], flagged: false, maxExplicit: 0, maxSuggestive: 0 });
}, 120_000);

test("hands holding a jar (a person, skin tones): screened positive on several frames, one confirmed below the single-frame bar: not flagged", async () => {
  const r = await checkSafety(nsfw, await keyframes("pyscenedetect_hands_glass_jar.mp4"), { person: true });
  expect(r.maxExplicit).toBeGreaterThanOrEqual(NSFW_SCREEN.explicit);
  expect(r.confirmed).toBeGreaterThan(1);
  expect(r.unsafe.length).toBeLessThanOrEqual(1);
  expect(r.flagged).toBe(false);
}, 120_000);
