/** The audio pass on real clips: loudness, silences, speech, transcript, events, no-audio files. */
import { beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { createPocketsphinx, parsePocketsphinx, pocketsphinxArgs } from "../../inference/transcribe.ts";
import { createVad, speechSegments, type Vad } from "../../inference/vad.ts";
import { probe } from "../../media/probe.ts";
import { CLIPS, CORPUS } from "../../../tests/support/cli.ts";
import { audioArgs, parseLoudness } from "./decode.ts";
import { analyseAudio } from "./index.ts";

let vad: Vad | { absent: string };
const transcriber = createPocketsphinx();
beforeAll(async () => {
  vad = await createVad();
});
const audioOf = async (name: string) => {
  const p = await probe(join(CLIPS, name));
  return analyseAudio(p.path, p, { vad, transcriber });
};

test("one ffmpeg run splits the audio into loudness/silence measurement and a 16 kHz PCM pipe", () => {
  const args = audioArgs("ffmpeg", "/x.mp4");
  expect(args.slice(args.indexOf("-filter_complex"), args.indexOf("-filter_complex") + 2)).toEqual([
    "-filter_complex",
    "[0:a:0]asplit=2[m][p];[m]ebur128=peak=true,silencedetect=noise=-50dB:d=0.5,anullsink;[p]aresample=16000,aformat=sample_fmts=flt:channel_layouts=mono[pcm]",
  ]);
  expect(args.slice(-5)).toEqual(["-map", "[pcm]", "-f", "f32le", "pipe:1"]);
});

test("parsers read ebur128, silencedetect and pocketsphinx output", () => {
  const err = `[Parsed_ebur128_1 @ 0x1] t: 0.1      TARGET:-23 LUFS    M: -26.1 S:-120.7     I: -26.1 LUFS       LRA:   0.0 LU  FTPK: -9.4 dBFS  TPK: -9.4 dBFS
[Parsed_ebur128_1 @ 0x1] t: 0.4      TARGET:-23 LUFS    M: -25.0 S: -24.2     I: -25.5 LUFS       LRA:   0.0 LU
[silencedetect @ 0x2] silence_start: 1.5
[silencedetect @ 0x2] silence_end: 3.25 | silence_duration: 1.75
[Parsed_ebur128_1 @ 0x1] Summary:

  Integrated loudness:
    I:         -24.8 LUFS
    Threshold: -35.0 LUFS

  Loudness range:
    LRA:         3.2 LU

  True peak:
    Peak:        -1.5 dBFS
`;
  const r = parseLoudness(err, 5);
  expect(r).toMatchObject({ integrated: -24.8, range: 3.2, truePeak: -1.5, silences: [{ start: 1.5, end: 3.25 }] });
  expect(r.shortTerm).toEqual([{ time: 0.1, lufs: -70 }, { time: 0.4, lufs: -24.2 }]);
  expect(pocketsphinxArgs("/a.wav").slice(0, 5)).toEqual(["pocketsphinx_continuous", "-infile", "/a.wav", "-time", "yes"]);
  expect(parsePocketsphinx("three two one\n<s> 0.1 0.2 1.0\nthree 0.30 0.60 0.9\nto(3) 0.61 0.80 0.5\n<sil> 0.8 0.9 1\n[NOISE] 1.0 1.1 1\n")).toEqual({
    text: "three to",
    words: [{ word: "three", start: 0.3, end: 0.6, confidence: 0.9 }, { word: "to", start: 0.61, end: 0.8, confidence: 0.5 }],
  });
  expect(speechSegments(new Float32Array([0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.1, 0]))).toEqual([{ start: 0.032, end: 0.288 }]);
});

describe("real clips", () => {
  test("a GRID talking head: speech, a transcript with word times inside the clip, loudness measured", async () => {
    const a = await audioOf("grid_speaker_bbaf2n.mpg");
    expect(a.hasSpeech).toBe(true);
    expect(a.words.length).toBeGreaterThan(2);
    for (const w of a.words) {
      expect(w.start).toBeGreaterThanOrEqual(0);
      expect(w.end).toBeLessThanOrEqual(3.1);
    }
    expect(a.transcriptSource).toBe("pocketsphinx-en-us");
    expect(a.integratedLufs!).toBeGreaterThan(-30);
    expect(a.soundEvents.some((e) => e.event === "speech" && e.source === "model:silero-vad")).toBe(true);
  });

  test("the talking-over-slate demo: speech found, then its long silence", async () => {
    const a = await audioOf("autoeditor_talking_over_slate.mp4");
    expect(a.hasSpeech).toBe(true);
    expect(a.transcript).toContain("example");
    expect(a.silences.some((s) => s.end - s.start > 5)).toBe(true);
  });

  test("the rocket launch countdown is heard as speech", async () => {
    const a = await audioOf("nasa_rocket_launch_oa4.webm");
    expect(a.hasSpeech).toBe(true);
    expect(a.transcript).toMatch(/three|two|one/);
  });

  test("digital silence after 4.6 s is found; silent tracks have no speech, music or frequency", async () => {
    const plane = await audioOf("moviepy_airplane_field_outdoor.mp4");
    expect(plane.silences.some((s) => Math.abs(s.start - 4.6) < 0.6 && s.end > 10)).toBe(true);
    for (const name of ["pexels_squirrel_on_table.mp4", "imageio_cockatoo_closeup.mp4"]) {
      const a = await audioOf(name);
      expect([a.hasAudio, a.hasSpeech, a.hasBackgroundMusic, a.dominantFrequencyHz]).toEqual([true, false, false, null]);
      expect(a.integratedLufs!).toBeLessThanOrEqual(-60);
    }
  });

  test("orchestral score is music; water, crowd and speech-only clips are not", async () => {
    expect((await audioOf("blender_bbb_opening_30s.webm")).hasBackgroundMusic).toBe(true);
    for (const name of ["mdn_stream_of_water.mp4", "sports_basketball_game.mp4", "grid_speaker_lbax4n.mpg"]) expect((await audioOf(name)).hasBackgroundMusic).toBe(false);
  });

  test("a clip with no audio stream: hasAudio false and the reason, no crash", async () => {
    const a = await audioOf("kinetics_arm_wrestling.mp4");
    expect(a.hasAudio).toBe(false);
    expect(a.absent[0]!.reason).toMatch(/no audio stream/);
  });

  test("a bat hit is an impact (rule named); the edge test card without audio is handled", async () => {
    const a = await audioOf("sports_baseball_play.mp4");
    expect(a.soundEvents.find((e) => e.event === "impact")?.source).toBe("rule:spectral-flux-onset");
    const p = await probe(join(CORPUS, "edge", "test_card.mp4"));
    expect((await analyseAudio(p.path, p, { vad })).hasAudio).toBe(false);
  });
});
