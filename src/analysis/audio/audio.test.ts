/** The audio pass on real clips: loudness, silences, speech, transcript, music, events, no-audio files. */
import { beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { wordAccuracy } from "../../inference/transcribe.ts";
import { probe } from "../../media/probe.ts";
import { CLIPS, CORPUS } from "../../../tests/support/cli.ts";
import type { AudioAnalysis } from "../types.ts";
import { audioArgs } from "./decode.ts";
import { analyseAudio, loadAudioEngines, type AudioProgress } from "./index.ts";

const results = new Map<string, AudioAnalysis>();
const audioOf = async (name: string) => {
  let a = results.get(name);
  if (!a) {
    const p = await probe(join(CLIPS, name));
    a = await analyseAudio(p.path, p);
    results.set(name, a);
  }
  return a;
};
beforeAll(async () => {
  await loadAudioEngines(); // sessions shared by every clip below
});

test("one ffmpeg run splits the audio into loudness/silence measurement and a 16 kHz PCM pipe", () => {
  const args = audioArgs("ffmpeg", "/x.mp4");
  const i = args.indexOf("-filter_complex");
  expect(args.slice(i, i + 2)).toEqual([
    "-filter_complex",
    "[0:a:0]asplit=2[m][p];[m]ebur128=peak=true,silencedetect=noise=-50dB:d=0.5,anullsink;[p]aresample=16000,aformat=sample_fmts=flt:channel_layouts=mono[pcm]",
  ]);
  expect(args.slice(-5)).toEqual(["-map", "[pcm]", "-f", "f32le", "pipe:1"]);
  expect(args.filter((a) => a === "-i")).toHaveLength(1);
});

describe("speech and transcript", () => {
  test("GRID talking heads: speech, word times inside the clip, word accuracy against the truth", async () => {
    const truth = (await Bun.file(join(CORPUS, "truth", "transcripts.json")).json()) as Record<string, string>;
    const names = ["grid_speaker_bbaf2n.mpg", "grid_speaker_brbk7n.mpg", "grid_speaker_swiz3n.mpg", "film_his_girl_friday_dialogue.mp4"];
    let accuracy = 0;
    for (const name of names) {
      const a = await audioOf(name);
      expect(a.hasSpeech).toBe(true);
      expect(a.transcriptSource).toBe("pocketsphinx-en-us");
      expect(a.words.length).toBeGreaterThan(2);
      for (const w of a.words) {
        expect(w.start).toBeGreaterThanOrEqual(0);
        expect(w.end).toBeGreaterThanOrEqual(w.start);
        // Words come from the speech cut out of the clip: they must land near a speech segment.
        expect(a.speechSegments.some((s) => w.start >= s.start - 0.35 && w.start <= s.end + 0.35)).toBe(true);
      }
      expect(a.soundEvents.some((e) => e.event === "speech" && e.source === "model:silero-vad")).toBe(true);
      accuracy += wordAccuracy(truth[name]!, a.transcript) / names.length;
    }
    // Measured: PocketSphinx's general English model gets very few GRID words (its grammar of
    // letters and commands is not in the 3-gram LM): mean 0.05 here. The threshold guards against
    // regressions that lose even that (e.g. misaligned audio); see the report for the numbers.
    expect(accuracy).toBeGreaterThanOrEqual(0.03);
  });

  test("the talking-over-slate demo: speech, then the long silence; the recogniser hears only the speech", async () => {
    const a = await audioOf("autoeditor_talking_over_slate.mp4");
    expect(a.hasSpeech).toBe(true);
    expect(a.silences.some((s) => s.start > 15 && s.end - s.start > 20)).toBe(true);
    expect(a.speechSegments.every((s) => s.end <= 18 || s.start >= 39.5)).toBe(true);
    expect(a.words.length).toBeGreaterThan(10);
    expect(a.words.every((w) => w.start < 18 || w.start > 39.5)).toBe(true);
  });
});

describe("silence, silent tracks and no audio", () => {
  test("digital silence after 4.6 s is found; no speech in wind noise", async () => {
    const plane = await audioOf("moviepy_airplane_field_outdoor.mp4");
    expect(plane.silences.some((s) => Math.abs(s.start - 4.6) < 0.3 && s.end > 11)).toBe(true);
    expect(plane.hasSpeech).toBe(false);
    expect(plane.loudnessCurve.at(-1)!.lufs).toBe(-70);
  });

  test("silent tracks: audio present but no speech, music, frequency or events, and a reason", async () => {
    for (const name of ["pexels_squirrel_on_table.mp4", "imageio_cockatoo_closeup.mp4"]) {
      const a = await audioOf(name);
      expect([a.hasAudio, a.hasSpeech, a.hasBackgroundMusic, a.dominantFrequencyHz, a.soundEvents.length]).toEqual([true, false, false, null, 0]);
      expect(a.integratedLufs!).toBeLessThanOrEqual(-60);
      expect(a.absent.some((x) => x.signal === "audio_content")).toBe(true);
    }
  });

  test("files with no audio stream: hasAudio false with the reason, no ffmpeg run, no crash", async () => {
    for (const path of [join(CLIPS, "kinetics_arm_wrestling.mp4"), join(CLIPS, "cartoon_popeye_sinbad_part_a.mkv"), join(CORPUS, "edge", "test_card.mp4")]) {
      const p = await probe(path);
      const a = await analyseAudio(p.path, p, { ffmpegPath: "/nonexistent/ffmpeg" });
      expect(a.hasAudio).toBe(false);
      expect(a.absent[0]!.reason).toMatch(/no audio stream/);
    }
  });
});

describe("music, frequency and events", () => {
  test("music: orchestral score, piano, a 1928 cartoon score and a beat; not water, speech or crowd", async () => {
    for (const name of ["blender_bbb_opening_30s.webm", "film_chaplin_street_pd.mp4", "cartoon_steamboat_willie_1928.mp4", "opencv_box_handheld_indoor.mp4"]) {
      const a = await audioOf(name);
      expect([name, a.hasBackgroundMusic]).toEqual([name, true]);
      expect(a.soundEvents.some((e) => e.event === "music" && e.source === "rule:tonal-lines-or-beat")).toBe(true);
    }
    for (const name of ["mdn_stream_of_water.mp4", "grid_speaker_brbk7n.mpg", "sports_basketball_game.mp4", "wikimedia_lightning_slowmo_night.ogv"]) {
      expect([name, (await audioOf(name)).hasBackgroundMusic]).toEqual([name, false]);
    }
  });

  test("dominant frequency is in the voice band for speech; progress is reported up to 100", async () => {
    const a = await audioOf("grid_speaker_brbk7n.mpg");
    expect(a.dominantFrequencyHz!).toBeGreaterThan(80);
    expect(a.dominantFrequencyHz!).toBeLessThan(1000);
    const seen: AudioProgress[] = [];
    const p = await probe(join(CLIPS, "mdn_stream_of_water.mp4"));
    await analyseAudio(p.path, p, { onProgress: (x) => seen.push(x) });
    expect(seen.map((x) => x.stage)).toContain("decode");
    expect(seen.at(-1)).toEqual({ stage: "done", percent: 100 });
    expect(seen.every((x, i) => i === 0 || x.percent >= seen[i - 1]!.percent)).toBe(true);
  });

  test("a bat hit is an impact (rule named); events lie inside the clip", async () => {
    const a = await audioOf("sports_baseball_play.mp4");
    const impact = a.soundEvents.find((e) => e.event === "impact");
    expect(impact?.source).toBe("rule:spectral-flux-onset");
    for (const e of a.soundEvents) expect(e.end).toBeLessThanOrEqual(5.7);
  });

  test("an aborted pass rejects", async () => {
    const p = await probe(join(CLIPS, "blender_bbb_opening_30s.webm"));
    const ctl = new AbortController();
    ctl.abort();
    await expect(analyseAudio(p.path, p, { signal: ctl.signal })).rejects.toThrow();
  });
});
