import { describe, expect, test } from "bun:test";
import { chooseEncoder, nvencEncoder, softwareEncoder, videoCodecArgs } from "./encoder.ts";
import { missingRuns } from "./assemble.ts";
import { audioEncodeArgs, concatList, finalArgs, gainChain } from "./join.ts";
import { graphToString } from "./filtergraph.ts";
import { layoutTimeline } from "./layout.ts";
import { audioPassArgs, cutTimes, rangeArgs } from "./range.ts";
import type { SegmentSpec } from "./segment.ts";

const enc = softwareEncoder(30);

const target = { width: 640, height: 360, fps: 30, mode: "fit" as const };
/** Three entries: a cut-in clip without audio, a 0.5 s crossfade into a 60 fps clip, a zoom into a third. */
const mixLayout = layoutTimeline({ fps: 30, entries: [
  { sourceStart: 0, sourceEnd: 2, transition: "cut", transitionSeconds: 0, position: 0 },
  { sourceStart: 3, sourceEnd: 5, transition: "fade", transitionSeconds: 0.5, position: 1 },
  { sourceStart: 1.5, sourceEnd: 2.5, transition: "zoom", transitionSeconds: 0.2, position: 2 },
] as never });
const mix: SegmentSpec[] = [
  { entry: { filePath: "/c/a.mp4", sourceStart: 0, sourceEnd: 2, audioLevel: 1 }, source: { width: 340, height: 256, hasAudio: false, fps: 28 }, layout: mixLayout.segments[0]!, target, seek: "input" },
  { entry: { filePath: "/c/b.mp4", sourceStart: 3, sourceEnd: 5, audioLevel: 0.5 }, source: { width: 1280, height: 720, hasAudio: true, fps: 60 }, layout: mixLayout.segments[1]!, target, seek: "input" },
  { entry: { filePath: "/c/z.mp4", sourceStart: 1.5, sourceEnd: 2.5, audioLevel: 1 }, source: { width: 640, height: 360, hasAudio: true, fps: 30 }, layout: mixLayout.segments[2]!, target, seek: "input" },
];
const X264 = ["-c:v", "libx264", "-preset:v", "veryfast", "-g:v", "60", "-pix_fmt:v", "yuv420p", "-crf:v", "20", "-profile:v", "high", "-forced-idr", "1"];

describe("render runs", () => {
  test("one cut-to-cut entry without audio: decode from the start, letterbox, one segment file", () => {
    const l = layoutTimeline({ fps: 30, entries: [{ sourceStart: 0, sourceEnd: 2, transition: "cut", transitionSeconds: 0, position: 0 }] as never });
    const spec: SegmentSpec = { ...mix[0]!, layout: l.segments[0]! };
    expect(rangeArgs("ffmpeg", [spec], l, { start: 0, end: 1 }, enc, "/w/run/%03d.mov")).toEqual([
      "ffmpeg", "-hide_banner", "-nostdin", "-nostats", "-loglevel", "level+info", "-y", "-t", "2.1", "-noautorotate", "-i", "/c/a.mp4", "-filter_complex",
      "[0:v:0]setpts=PTS-STARTPTS,trim=end=2.066667,scale=w=478:h=360:flags=bicubic,pad=w=640:h=360:x=80:y=0:color=black,setsar=1,fps=30,format=yuv420p,tpad=stop_mode=clone:stop_duration=2,trim=end_frame=60[b0];[b0]null[vout]",
      "-map", "[vout]", ...X264, "-f", "segment", "-segment_format", "mov", "-reset_timestamps", "1", "/w/run/%03d.mov", "-progress", "pipe:2",
    ]);
  });

  test("a whole timeline in one run: crossfade and zoom in the graph, a keyframe forced and a file cut at each segment", () => {
    const args = rangeArgs("ffmpeg", mix, mixLayout, { start: 0, end: 3 }, enc, "/w/run/%03d.mov");
    // Each source is opened once: a from the start, b and z by an input seek, 0.1 s read past the window.
    expect(args.slice(7, args.indexOf("-filter_complex"))).toEqual(["-t", "2.1", "-noautorotate", "-i", "/c/a.mp4", "-ss", "3", "-t", "2.1", "-noautorotate", "-i", "/c/b.mp4", "-ss", "1.5", "-t", "1.1", "-noautorotate", "-i", "/c/z.mp4"]);
    const graph = args[args.indexOf("-filter_complex") + 1]!;
    // The 60 fps source drops frames before scaling; the 28 fps one is scaled first.
    expect(graph).toContain("[1:v:0]setpts=PTS-STARTPTS,trim=end=2.066667,fps=30,scale=");
    expect(graph).toContain("[0:v:0]setpts=PTS-STARTPTS,trim=end=2.066667,scale=w=478:h=360:flags=bicubic,pad=w=640:h=360:x=80:y=0:color=black,setsar=1,fps=30,");
    expect(graph).toContain("[s_m0]trim=start_frame=0:end_frame=45,setpts=PTS-STARTPTS[m0];[s_t0]trim=start_frame=45:end_frame=60,setpts=PTS-STARTPTS[t0]");
    expect(graph).toContain("[s_h1]trim=start_frame=0:end_frame=15,setpts=PTS-STARTPTS[h1]");
    expect(graph).toContain("[t0][h1]xfade=transition=fade:duration=0.5:offset=0[x1]");
    expect(graph).toContain("[s_zo1]trim=start_frame=57:end_frame=60,setpts=PTS-STARTPTS,zoompan=z=1+0.25*(on/3)*(on/3):x=iw/2-(iw/zoom/2):y=ih/2-(ih/zoom/2):d=1:s=640x360:fps=30");
    expect(graph).toContain("[s_zi2]trim=start_frame=0:end_frame=3,setpts=PTS-STARTPTS,zoompan=z=1+0.25*(1-on/3)*(1-on/3)");
    expect(graph).toEndWith("[b0][x1][b1][b2]concat=n=4:v=1:a=0[vout]");
    // Segment 1 starts with the crossfade (frame 45), segment 2 at frame 105: a quarter frame before each.
    expect(cutTimes(mixLayout, { start: 0, end: 3 })).toEqual([44.75 / 30, 104.75 / 30]);
    expect(args.slice(args.indexOf("-force_key_frames"))).toEqual([
      "-force_key_frames", "1.491667,3.491667", "-f", "segment", "-segment_times", "1.491667,3.491667", "-segment_format", "mov", "-reset_timestamps", "1", "/w/run/%03d.mov", "-progress", "pipe:2",
    ]);
  });

  test("a run that starts at a crossfade opens the previous entry's tail window only", () => {
    const args = rangeArgs("ffmpeg", mix, mixLayout, { start: 1, end: 2 }, enc, "/w/run/%03d.mov");
    expect(args.slice(7, 12)).toEqual(["-ss", "1.5", "-t", "0.6", "-noautorotate"]);
    const graph = args[args.indexOf("-filter_complex") + 1]!;
    expect(graph).toStartWith("[0:v:0]setpts=PTS-STARTPTS,trim=end=0.566667,scale=w=478:h=360");
    expect(graph).toContain("trim=end_frame=15[t0];[1:v:0]");
    expect(graph).toEndWith("[x1][b1]concat=n=2:v=1:a=0[vout]");
    expect(args).not.toContain("-force_key_frames");
    expect(() => rangeArgs("ffmpeg", mix, mixLayout, { start: 2, end: 2 }, enc, "/w/x")).toThrow("bad entry range 2..2 of 3");
  });

  test("a seek the decoder cannot trust is replaced by a decode from the start and a trim", () => {
    const decode = mix.map((s) => ({ ...s, seek: "decode" as const }));
    const args = rangeArgs("ffmpeg", decode, mixLayout, { start: 1, end: 3 }, enc, "/w/run/%03d.mov");
    expect(args.slice(7, args.indexOf("-filter_complex"))).toEqual(["-t", "2.1", "-noautorotate", "-i", "/c/a.mp4", "-t", "5.1", "-noautorotate", "-i", "/c/b.mp4", "-t", "2.6", "-noautorotate", "-i", "/c/z.mp4"]);
    const graph = args[args.indexOf("-filter_complex") + 1]!;
    expect(graph).toStartWith("[0:v:0]trim=start=1.5,setpts=PTS-STARTPTS,");
    expect(graph).toContain("[1:v:0]trim=start=3,setpts=PTS-STARTPTS,");
  });

  test("the audio pass: audio windows only, silence for a clip without sound, crossfaded and cut joins, measured", () => {
    expect(audioPassArgs("ffmpeg", mix, mixLayout, { path: "/w/a.wav", measure: true })).toEqual([
      "ffmpeg", "-hide_banner", "-nostdin", "-nostats", "-loglevel", "level+info", "-y",
      "-vn", "-ss", "3", "-t", "2.1", "-noautorotate", "-i", "/c/b.mp4", "-vn", "-ss", "1.5", "-t", "1.1", "-noautorotate", "-i", "/c/z.mp4",
      "-filter_complex",
      "anullsrc=r=48000:cl=stereo,aresample=48000,aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo,volume=1,apad=whole_len=96000,atrim=end_sample=96000[a0];" +
        "[0:a:0]asetpts=PTS-STARTPTS,aresample=48000,aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo,volume=0.5,apad=whole_len=96000,atrim=end_sample=96000[a1];" +
        "[1:a:0]asetpts=PTS-STARTPTS,aresample=48000,aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo,volume=1,apad=whole_len=48000,atrim=end_sample=48000[a2];" +
        "[a0][a1]acrossfade=ns=24000:c1=tri:c2=tri[j1];[j1][a2]concat=n=2:v=0:a=1[j2];[j2]anull[ajoin];[ajoin]ebur128=peak=true:framelog=verbose[aout]",
      "-map", "[aout]", "-c:a", "pcm_s16le", "-f", "wav", "/w/a.wav",
    ]);
  });

  test("missing segments are grouped into runs of consecutive entries, at most MAX_RUN_ENTRIES long", () => {
    expect(missingRuns([true, false, false, true, false], { start: 0, end: 5 })).toEqual([{ start: 1, end: 3 }, { start: 4, end: 5 }]);
    expect(missingRuns([false, false, false, false, false], { start: 1, end: 5 }, 2)).toEqual([{ start: 1, end: 3 }, { start: 3, end: 5 }]);
    expect(missingRuns([true, true], { start: 0, end: 2 })).toEqual([]);
  });
});

describe("join builders", () => {

  test("concat list quotes paths and gives each part its duration", () => {
    expect(concatList([{ path: "/w/it's.mov", seconds: 1.5 }, { path: "/w/x.mov", seconds: 1 / 3 }])).toBe(
      "ffconcat version 1.0\nfile '/w/it'\\''s.mov'\nduration 1.5\nfile '/w/x.mov'\nduration 0.333333\n",
    );
  });

  test("audio encode applies the measured gain; the final mux only copies streams and adds chapters", () => {
    expect(audioEncodeArgs("ffmpeg", { audio: "/w/a.wav", loudness: { target: -14, measured: { integrated: -20.5, truePeak: -9.1 } }, out: "/w/a.m4a.part" })).toEqual([
      "ffmpeg", "-hide_banner", "-nostdin", "-nostats", "-v", "info", "-y", "-i", "/w/a.wav",
      "-filter_complex", "[0:a:0]volume=6.5dB,ebur128=framelog=verbose,aformat=channel_layouts=stereo[aout]",
      "-map", "[aout]", "-c:a", "aac", "-b:a", "192k", "-ar", "48000", "-f", "mp4", "/w/a.m4a.part",
    ]);
    expect(audioEncodeArgs("ffmpeg", { audio: "/w/a.wav", loudness: null, out: "/w/p.m4a" })).toContain("[0:a:0]anull[aout]");
    expect(finalArgs("ffmpeg", { concatList: "/w/v.ffconcat", audio: "/w/a.m4a", metadata: "/w/c.ffmeta", out: "/o/p.mp4.part" })).toEqual([
      "ffmpeg", "-hide_banner", "-nostdin", "-nostats", "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", "/w/v.ffconcat", "-i", "/w/a.m4a", "-f", "ffmetadata", "-i", "/w/c.ffmeta",
      "-map", "0:v:0", "-map", "1:a:0", "-map_metadata", "2", "-map_chapters", "2", "-c", "copy", "-movflags", "+faststart", "-progress", "pipe:2", "-f", "mp4", "/o/p.mp4.part",
    ]);
  });

  test("the gain: a limiter only when the gain would push the true peak over -2 dBTP (-1.5 less AAC headroom); no gain on silence", () => {
    const graph = (measured: { integrated: number; truePeak: number; correction?: number } | null) => graphToString([gainChain(-14, measured, "in", "out")]);
    expect(graph({ integrated: -20.5, truePeak: -8.6 })).toBe("[in]volume=6.5dB,ebur128=framelog=verbose,aformat=channel_layouts=stereo[out]");
    expect(graph({ integrated: -20.5, truePeak: -8.4 })).toBe("[in]volume=6.5dB,alimiter=limit=0.7499:attack=5:release=50:level=false:latency=true,ebur128=framelog=verbose,aformat=channel_layouts=stereo[out]");
    expect(graph({ integrated: -9, truePeak: -0.2 })).toBe("[in]volume=-5dB,ebur128=framelog=verbose,aformat=channel_layouts=stereo[out]");
    // A second try after limiting took the first 1.4 LU under: the correction adds to the gain.
    expect(graph({ integrated: -20, truePeak: 0, correction: 1.4 })).toBe("[in]volume=7.4dB,alimiter=limit=0.7499:attack=5:release=50:level=false:latency=true,ebur128=framelog=verbose,aformat=channel_layouts=stereo[out]");
    expect(graph({ integrated: -Infinity, truePeak: -Infinity })).toBe("[in]ebur128=framelog=verbose,aformat=channel_layouts=stereo[out]");
    expect(graph(null)).toBe("[in]ebur128=framelog=verbose,aformat=channel_layouts=stereo[out]");
  });

  test("NVENC asks for constant quality with a zero bitrate target", () => {
    expect(videoCodecArgs(nvencEncoder(30))).toEqual(["-c:v", "h264_nvenc", "-preset:v", "p4", "-g:v", "60", "-pix_fmt:v", "yuv420p", "-rc:v", "vbr", "-cq:v", "21", "-b:v", "0", "-profile:v", "high"]);
  });

  test("h264_nvenc is used only when a one-frame test encode works; otherwise libx264 with the reason", async () => {
    expect(await chooseEncoder("ffmpeg", "libx264", 30)).toEqual({ encoder: softwareEncoder(30) });
    const asked = await chooseEncoder("ffmpeg", "h264_nvenc", 30);
    if (asked.encoder.codec === "h264_nvenc") expect(asked.fallbackReason).toBeUndefined();
    else {
      expect(asked.encoder).toEqual(softwareEncoder(30));
      expect(asked.fallbackReason).toStartWith("h264_nvenc not usable (");
    }
    expect((await chooseEncoder("ffmpeg", "auto", 25, { proxy: true })).encoder.preset).toMatch(/^(ultrafast|p1)$/);
  }, 30_000);
});
