/**
 * Copyrighted music found by Chromaprint: a reference track made from the corpus's orchestral
 * Big Buck Bunny opening; a clip whose soundtrack plays 10 s of it from 3 s in is found with the
 * track's name and the right time range, and is not cleared; a dialogue clip is not flagged.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp, type AppContext } from "../app.ts";
import { loadConfig } from "../config.ts";
import { indexFiles } from "../indexing/service.ts";
import { createIndexSteps } from "../indexing/steps.ts";
import { runMedia } from "../media/exec.ts";
import { fingerprintAudio, itemTime, matchFingerprints } from "./music.ts";

const CLIPS = join(import.meta.dir, "..", "..", "..", "shared", "corpus", "clips");
let dir: string;
let refs: string;
let withMusic: string;
let dialogue: string;
let app: AppContext;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "reelsmith-music-"));
  refs = join(dir, "refs");
  mkdirSync(refs);
  const track = join(refs, "bunny_opening_theme.wav");
  await runMedia(["ffmpeg", "-v", "error", "-y", "-i", join(CLIPS, "blender_bbb_opening_30s.webm"), "-vn", "-ac", "2", "-ar", "44100", track]);
  withMusic = join(dir, "walkers_with_theme.mp4");
  // Video of people walking; its soundtrack: 3 s of silence, then 10 s of the track from 8 s in, then silence.
  await runMedia([
    "ffmpeg", "-v", "error", "-y", "-t", "16", "-i", join(CLIPS, "intel_people_walking_indoor_139s.mp4"), "-ss", "8", "-t", "10", "-i", track,
    "-filter_complex", "[1:a]volume=0.8,adelay=3000|3000,apad=whole_dur=16[a]", "-map", "0:v", "-map", "[a]", "-t", "16",
    "-vf", "scale=480:-2", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-b:a", "128k", withMusic,
  ]);
  dialogue = join(CLIPS, "film_his_girl_friday_dialogue.mp4");
  app = await createApp(loadConfig({ REELSMITH_HOME: join(dir, "home"), REELSMITH_REFERENCE_TRACKS: refs, LOG_LEVEL: "error" }));
}, 120_000);
afterAll(async () => app?.close());

describe("copyrighted music", () => {
  test("the matcher finds where in the clip and where in the track the music plays", async () => {
    const clip = await fingerprintAudio(withMusic);
    const track = await fingerprintAudio(join(refs, "bunny_opening_theme.wav"));
    expect(clip.length).toBeGreaterThan(100);
    const m = matchFingerprints(clip, track)!;
    expect(m).not.toBeNull();
    expect(Math.abs(itemTime(m.clipStart) - 3)).toBeLessThan(1);
    expect(Math.abs(itemTime(m.clipEnd) - 13)).toBeLessThan(1);
    expect(Math.abs(itemTime(m.trackStart) - 8)).toBeLessThan(1);
    expect(matchFingerprints(await fingerprintAudio(dialogue), track)).toBeNull();
    expect(await fingerprintAudio(join(CLIPS, "opencv_vtest_pedestrians_plaza.avi"))).toEqual([]);
  }, 60_000);

  test("indexing with a reference library: the clip playing the track is not cleared, with the track and time range; the dialogue clip is", async () => {
    const steps = await createIndexSteps(app);
    // The actors' consent is given so that the dialogue clip's faces do not stand in for the music verdict.
    const summary = await indexFiles(app, [withMusic, dialogue], steps.actors, { license: "CC0", consent: true });
    await steps.dispose();
    expect(summary.indexed).toHaveLength(2);
    const byPath = new Map(await Promise.all(summary.indexed.map(async (i) => [i.file, (await app.clips.get(i.clip_id))!] as const)));
    const music = byPath.get(withMusic)!;
    expect(music.rightsCleared).toBe(false);
    expect(music.rightsConfidence).toBe(0.75);
    const issue = music.rightsIssues.find((i) => i.kind === "copyrighted_music")!;
    expect(issue.evidence?.track).toBe("bunny opening theme");
    expect(Math.abs(issue.evidence!.start! - 3)).toBeLessThan(1);
    expect(Math.abs(issue.evidence!.end! - 13)).toBeLessThan(1);
    expect(music.rightsReason).toContain('plays the reference track "bunny opening theme"');
    const talk = byPath.get(dialogue)!;
    expect(talk.rightsIssues).toEqual([]);
    expect(talk.rightsCleared).toBe(true);
    expect(talk.rightsConfidence).toBe(1);
  }, 300_000);
});
