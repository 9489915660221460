/**
 * Renders real corpus clips end to end and checks the file with ffprobe and ffmpeg's own meters.
 * Timelines are built by hand here (test input), the way the editor writes them.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runMedia } from "../media/exec.ts";
import { probe } from "../media/probe.ts";
import { outputSize, type Aspect, type Timeline, type TimelineEntry } from "../production/types.ts";
import { renderSegmentSlice, renderTimeline, runFolderName, type RenderResult } from "./assemble.ts";
import { detectBlack, detectFreeze, measureLoudness } from "./qa-measure.ts";
import { decoderErrors } from "./segment-cache.ts";

const CLIPS = join(import.meta.dir, "..", "..", "..", "shared", "corpus", "clips");

type Cut = [file: string, from: number, to: number, transition: "cut" | "fade" | "zoom", seconds: number];

/** A timeline as the editor writes it: entries back to back, crossfades overlapping their neighbour. */
function timeline(id: string, aspect: Aspect, resolution: "360p" | "1080p", cuts: Cut[]): Timeline {
  let t = 0;
  const entries = cuts.map(([file, from, to, transition, seconds], i): TimelineEntry => {
    const overlap = i > 0 && transition === "fade" ? seconds : 0;
    const start = t - overlap;
    t = start + (to - from);
    return {
      position: i, clipId: `clip-${i}`, externalId: file, filePath: join(CLIPS, file), sourceStart: from, sourceEnd: to, start, end: t,
      transition, transitionSeconds: seconds, audioLevel: 1, source: { width: 0, height: 0, fps: 0, hasAudio: false, durationSeconds: 0 },
      section: i === 0 ? "hook" : "build-up", reason: "hand-built test timeline", title: `${i + 1}. ${file.replace(/\.\w+$/, "")}`,
    };
  });
  return { productionId: id, style: "energetic", aspect, resolution, ...outputSize(aspect, resolution), fps: 30, loudnessTarget: -14, entries, duration: t };
}

async function chapters(path: string): Promise<{ title: string; start: number }[]> {
  const { stdout } = await runMedia(["ffprobe", "-v", "error", "-print_format", "json", "-show_chapters", path]);
  const json = JSON.parse(new TextDecoder().decode(stdout)) as { chapters: { start_time: string; tags?: { title?: string } }[] };
  return json.chapters.map((c) => ({ title: c.tags?.title ?? "", start: Number(c.start_time) }));
}

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "render-test-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("seek safety", () => {
  test("decoder complaints are told apart from -progress output and other log levels (stderr of a run over the cockatoo clip)", () => {
    const stderr = "[info] Stream mapping:\nframe=0\nfps=0.00\nout_time_us=0\nprogress=continue\n[h264 @ 0x55e40de71c40] [error] top block unavailable for requested intra mode -1\n[h264 @ 0x55e40de71c40] [error] error while decoding MB 21 0, bytestream 4895\n[h264 @ 0x55e40de71c40] [info] concealing 3600 DC, 3600 AC, 3600 MV errors in I frame\nprogress=end\n";
    expect(decoderErrors(stderr)).toEqual(["[h264 @ 0x55e40de71c40] top block unavailable for requested intra mode -1", "[h264 @ 0x55e40de71c40] error while decoding MB 21 0, bytestream 4895"]);
    expect(decoderErrors("frame=10\nstream_0_0_q=28.0\n[segment @ 0x1] [warning] Non-monotonous DTS\nspeed=1.2x\nprogress=end\n")).toEqual([]);
  });
});

describe("renderTimeline 16:9 with cut, crossfade and zoom", () => {
  const tl = timeline("mix-169", "16:9", "360p", [
    ["sports_baseball_play.mp4", 0.5, 4.5, "cut", 0],
    ["kinetics_arm_wrestling.mp4", 2, 5.5, "fade", 0.5],
    ["pyscenedetect_hands_glass_jar.mp4", 19, 22.5, "zoom", 0.4],
    ["imageio_cockatoo_closeup.mp4", 5, 8.5, "fade", 0.5],
  ]);
  let result: RenderResult;
  const stages = new Set<string>();
  const percents: number[] = [];
  beforeAll(async () => {
    result = await renderTimeline(tl, { outDir: join(work, "out"), workDir: join(work, "work"), onProgress: (p, s) => (percents.push(p), stages.add(s.replace(/\d+\/\d+/, "n"))) });
  }, 120_000);

  test("duration within 2% of the timeline, 640x360 square pixels at 30 fps, AAC audio, faststart", async () => {
    expect(tl.duration).toBeCloseTo(13.5, 6);
    const p = await probe(result.videoPath);
    expect(Math.abs(p.durationSeconds - tl.duration) / tl.duration).toBeLessThan(0.02);
    expect([p.width, p.height, p.sampleAspectRatio, p.fps]).toEqual([640, 360, 1, 30]);
    expect(p.videoCodec).toBe("h264");
    expect(p.audioCodec).toBe("aac");
    expect(p.audioSampleRate).toBe(48000);
    const head = new Uint8Array(await Bun.file(result.videoPath).slice(0, 64 * 1024).arrayBuffer());
    const text = new TextDecoder("latin1").decode(head);
    expect(text.indexOf("moov")).toBeLessThan(text.indexOf("mdat"));
    expect(result.encoder).toBe("libx264");
    expect(result.segmentsReused).toBe(0);
  });

  test("loudness is normalised to -14 LUFS (ebur128)", async () => {
    const l = await measureLoudness(result.videoPath);
    expect(Math.abs(l.integrated - -14)).toBeLessThanOrEqual(1);
    expect(l.truePeak!).toBeLessThan(0);
    expect(result.loudness!.input_i).toBeLessThan(-15);
    expect(Math.abs(result.loudness!.output_i - -14)).toBeLessThanOrEqual(1);
  });

  test("one chapter per entry with its title; the crossfaded chapters change mid-blend", async () => {
    const ch = await chapters(result.videoPath);
    expect(ch.map((c) => c.title)).toEqual(tl.entries.map((e) => e.title));
    expect(ch.map((c) => c.start)).toEqual([0, 3.75, 7, 10.25]);
  });

  test("no black or frozen stretch longer than 1 s", async () => {
    expect(await detectBlack(result.videoPath, { minDuration: 1 })).toEqual([]);
    expect(await detectFreeze(result.videoPath, { minDuration: 1 })).toEqual([]);
  }, 30_000);

  test("each segment file holds exactly its frames: the crossfade into it and its body, cut on a keyframe", async () => {
    const dir = join(work, "work", "mix-169", "full");
    const files = (await readdir(dir)).filter((f) => /^mix-169-\d{3}-\w+\.mov$/.test(f)).sort();
    expect(files).toHaveLength(4);
    const frames: number[] = [];
    for (const f of files) {
      const { stdout } = await runMedia(["ffprobe", "-v", "error", "-count_packets", "-select_streams", "v:0", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", join(dir, f)]);
      frames.push(Number(new TextDecoder().decode(stdout).trim()));
    }
    // 4 s cut, 3.5 s faded in (0.5 s crossfade + 3 s body), 3.5 s zoomed, 3.5 s faded in: 30 fps.
    expect(frames).toEqual([105, 105, 90, 105]);
    expect(frames.reduce((a, b) => a + b, 0)).toBe(Math.round(tl.duration * 30));
  });

  test("the cockatoo entry was decoded from the start, and progress rose to 100 through every stage", () => {
    expect(result.notes.join("\n")).toContain("imageio_cockatoo_closeup.mp4: decoded from the start (seek to 5s gave decoder errors: [h264 @");
    expect(percents.at(-1)).toBe(100);
    expect(percents.every((p, i) => i === 0 || p >= percents[i - 1]!)).toBe(true);
    expect([...stages]).toEqual(["segment n", "joining", "final mux", "done"]);
  });
});

describe("renderTimeline 9:16", () => {
  test("1080x1920 filled frame from a 4:3 HEVC cartoon without audio and a 16:9 clip", async () => {
    const tl = timeline("vertical", "9:16", "1080p", [
      ["cartoon_popeye_sinbad_part_a.mkv", 20, 21.2, "cut", 0],
      ["sports_baseball_play.mp4", 1, 2.2, "fade", 0.3],
    ]);
    tl.entries[1]!.focus = { x: 0.3, y: 0.5 };
    const r = await renderTimeline(tl, { outDir: join(work, "out"), workDir: join(work, "work") });
    const p = await probe(r.videoPath);
    expect([p.width, p.height]).toEqual([1080, 1920]);
    expect(p.hasAudio).toBe(true);
    expect(Math.abs(p.durationSeconds - tl.duration) / tl.duration).toBeLessThan(0.02);
    // Filled, not letterboxed: the top rows are picture, not black bars.
    expect(await detectBlack(r.videoPath, { minDuration: 0.2 })).toEqual([]);
  }, 120_000);
});

describe("resume after a kill", () => {
  test("aborting after the first segment, then rendering again reuses it and completes", async () => {
    const tl = timeline("resume", "16:9", "360p", [
      ["pyscenedetect_hands_glass_jar.mp4", 8, 10, "cut", 0],
      ["kinetics_arm_wrestling.mp4", 0, 2, "fade", 0.4],
      ["sports_baseball_play.mp4", 2, 4, "cut", 0],
    ]);
    const opts = { outDir: join(work, "out"), workDir: join(work, "work") };
    const ac = new AbortController();
    // One run renders all three; it is killed once the third segment has begun.
    const first = renderTimeline(tl, { ...opts, signal: ac.signal, onProgress: (_p, stage) => stage === "segment 3/3" && ac.abort() });
    expect(first).rejects.toThrow();
    await first.catch(() => undefined);
    const segDir = join(opts.workDir, "resume", "full");
    const left = await readdir(segDir);
    // The segments the run had closed are kept under their names; the one being written is gone
    // with the run's folder. The audio, made beside the run, may be there too.
    const finished = left.filter((f) => f.endsWith(".mov") && f.startsWith("resume-")).length;
    expect(finished).toBeGreaterThanOrEqual(1);
    expect(finished).toBeLessThanOrEqual(2);
    expect(left.filter((f) => f.endsWith(".part") || f.startsWith("run-"))).toEqual([]);
    const second = await renderTimeline(tl, opts);
    expect(second.segmentsReused).toBe(finished);
    const p = await probe(second.videoPath);
    expect(Math.abs(p.durationSeconds - tl.duration) / tl.duration).toBeLessThan(0.02);
    // A third run changes nothing: every segment is reused, the output path is the same.
    const third = await renderTimeline(tl, opts);
    expect(third.segmentsReused).toBe(3);
    expect(third.videoPath).toBe(second.videoPath);

    // kill -9 leaves the run's folder behind, with segments closed but not yet moved: a dead
    // process's run is adopted (each file with a successor), a live one's is left alone.
    const segs = (await readdir(segDir)).filter((f) => /^resume-\d{3}-\w+\.mov$/.test(f)).sort().map((f) => join(segDir, f));
    expect(segs).toHaveLength(3);
    const dead = Bun.spawnSync(["true"]).pid;
    const runDir = join(segDir, runFolderName(0, dead));
    const live = join(segDir, runFolderName(0, process.pid));
    for (const d of [runDir, live]) {
      await mkdir(d);
      await writeFile(join(d, "run.json"), JSON.stringify({ paths: segs }));
    }
    await rename(segs[0]!, join(runDir, "000.mov"));
    await rename(segs[1]!, join(runDir, "001.mov"));
    await writeFile(join(runDir, "002.mov"), "cut short");
    const fourth = await renderTimeline(tl, opts);
    expect(fourth.segmentsReused).toBe(3);
    const after = await readdir(segDir);
    expect(after.filter((f) => f.startsWith("run-"))).toEqual([live.split("/").at(-1)!]);
    expect((await readdir(live)).sort()).toEqual(["run.json"]);
    await rm(live, { recursive: true });
  }, 120_000);
});

describe("runs that meet at a crossfade", () => {
  test("a slice starting at a faded-in entry reads the previous entry's tail itself: the joined video matches a one-run render", async () => {
    const cuts: Cut[] = [
      ["sports_baseball_play.mp4", 0.5, 3, "cut", 0],
      ["kinetics_arm_wrestling.mp4", 2, 4.5, "fade", 0.5],
      ["flutter_butterfly_on_flower.mp4", 1, 3.5, "fade", 0.5],
    ];
    const whole = await renderTimeline(timeline("one-run", "16:9", "360p", cuts), { outDir: join(work, "out"), workDir: join(work, "work") });
    const tl = timeline("two-runs", "16:9", "360p", cuts);
    const opts = { outDir: join(work, "out"), workDir: join(work, "work") };
    // The second slice is entries 1..2: its run opens entry 0's tail window for the first crossfade.
    expect(await renderSegmentSlice(tl, opts, { index: 1, count: 2 })).toEqual({ rendered: 2, reused: 0 });
    const joined = await renderTimeline(tl, opts);
    expect(joined.segmentsReused).toBe(2);
    const p = await probe(joined.videoPath);
    expect(Math.abs(p.durationSeconds - tl.duration)).toBeLessThan(0.05);
    // Frame by frame against the one-run render (same encoder settings): only encoding noise apart.
    const { stderr } = await runMedia(["ffmpeg", "-hide_banner", "-nostdin", "-i", joined.videoPath, "-i", whole.videoPath, "-lavfi", "[0:v][1:v]psnr", "-f", "null", "-"]);
    // Measured: average 45.9 dB, worst frame 42.3 dB; a crossfade off by one frame would sink its frames.
    const m = stderr.match(/PSNR .*average:([\d.]+|inf) min:([\d.]+|inf)/);
    expect(Number(m?.[1]?.replace("inf", "99"))).toBeGreaterThan(38);
    expect(Number(m?.[2]?.replace("inf", "99"))).toBeGreaterThan(35);
  }, 120_000);
});
