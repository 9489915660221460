import { describe, expect, test } from "bun:test";
import { chooseEncoder, nvencEncoder, softwareEncoder, videoCodecArgs } from "./encoder.ts";
import { concatList, finalArgs, gainChain, loudnessMeasureArgs, xfadeArgs } from "./join.ts";
import { graphToString } from "./filtergraph.ts";
import { layoutTimeline } from "./layout.ts";
import { segmentArgs, segmentStreams } from "./segment.ts";

const enc = softwareEncoder(30);
const X264 = ["-c:v:0", "libx264", "-preset:v:0", "veryfast", "-g:v:0", "60", "-pix_fmt:v:0", "yuv420p", "-crf:v:0", "20", "-profile:v:0", "high", "-threads:v:0", "1"];

describe("segmentArgs", () => {
  test("a cut-to-cut clip with no audio: decode from the start, letterbox, silent audio of exactly 2 s", () => {
    const args = segmentArgs("ffmpeg", { entry: { filePath: "/c/a.mp4", sourceStart: 0, sourceEnd: 2, audioLevel: 1 }, source: { width: 340, height: 256, hasAudio: false, fps: 28 }, layout: { frames: 60, headFrames: 0, tailFrames: 0, zoomInFrames: 0, zoomOutFrames: 0 }, target: { width: 640, height: 360, fps: 30, mode: "fit" }, seek: "decode" }, enc, "/w/s.mov.part");
    expect(args).toEqual([
      "ffmpeg", "-hide_banner", "-nostdin", "-nostats", "-v", "error", "-y", "-t", "2.3", "-noautorotate", "-i", "/c/a.mp4", "-filter_complex",
      "[0:v:0]setpts=PTS-STARTPTS,trim=end=2.066667,scale=w=478:h=360:flags=bicubic,pad=w=640:h=360:x=80:y=0:color=black,setsar=1,fps=30,format=yuv420p,tpad=stop_mode=clone:stop_duration=2,trim=end_frame=60[body];" +
        "anullsrc=r=48000:cl=stereo,aresample=48000,aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo,volume=1,apad=whole_len=96000,atrim=end_sample=96000[aout]",
      "-map", "[body]", "-map", "[aout]", ...X264, "-c:a", "pcm_s16le", "-progress", "pipe:2", "-f", "mov", "/w/s.mov.part",
    ]);
  });

  test("9:16 fill around the focus with input seek, fade head and tail kept lossless beside the body", () => {
    const args = segmentArgs("ffmpeg", { entry: { filePath: "/c/b.mp4", sourceStart: 3, sourceEnd: 6.5, audioLevel: 0.5, focus: { x: 0.3, y: 0.5 } }, source: { width: 1280, height: 720, hasAudio: true, fps: 60 }, layout: { frames: 105, headFrames: 15, tailFrames: 15, zoomInFrames: 0, zoomOutFrames: 0 }, target: { width: 360, height: 640, fps: 30, mode: "fill" }, seek: "input" }, enc, "/w/t.mov.part");
    expect(args).toEqual([
      "ffmpeg", "-hide_banner", "-nostdin", "-nostats", "-v", "error", "-y", "-ss", "3", "-t", "3.8", "-noautorotate", "-i", "/c/b.mp4", "-filter_complex",
      "[0:v:0]setpts=PTS-STARTPTS,trim=end=3.566667,fps=30,crop=w=405:h=720:x=181:y=0,scale=w=360:h=640:flags=bicubic,setsar=1,format=yuv420p,tpad=stop_mode=clone:stop_duration=2,trim=end_frame=105,split=3[s_mid][s_head][s_tail];" +
        "[s_mid]trim=start_frame=15:end_frame=90,setpts=PTS-STARTPTS[mid];[s_head]trim=start_frame=0:end_frame=15,setpts=PTS-STARTPTS[head];[s_tail]trim=start_frame=90:end_frame=105,setpts=PTS-STARTPTS[tail];[mid]null[body];" +
        "[0:a:0]asetpts=PTS-STARTPTS,aresample=48000,aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo,volume=0.5,apad=whole_len=168000,atrim=end_sample=168000[aout]",
      "-map", "[body]", "-map", "[aout]", "-map", "[head]", "-map", "[tail]", ...X264,
      "-c:v:1", "libx264", "-preset:v:1", "ultrafast", "-qp:v:1", "0", "-pix_fmt:v:1", "yuv420p",
      "-c:v:2", "libx264", "-preset:v:2", "ultrafast", "-qp:v:2", "0", "-pix_fmt:v:2", "yuv420p",
      "-c:a", "pcm_s16le", "-progress", "pipe:2", "-f", "mov", "/w/t.mov.part",
    ]);
    expect(segmentStreams({ headFrames: 15, tailFrames: 15 })).toEqual({ body: 0, audio: 1, head: 2, tail: 3 });
    expect(segmentStreams({ headFrames: 0, tailFrames: 15 })).toEqual({ body: 0, audio: 1, head: null, tail: 2 });
  });

  test("a zoom splits the body: settle on the first frames, push-in on the last, joined by concat", () => {
    const args = segmentArgs("ffmpeg", { entry: { filePath: "/c/z.mp4", sourceStart: 0, sourceEnd: 1, audioLevel: 1 }, source: { width: 640, height: 360, hasAudio: true }, layout: { frames: 30, headFrames: 0, tailFrames: 0, zoomInFrames: 6, zoomOutFrames: 6 }, target: { width: 640, height: 360, fps: 30, mode: "fit" }, seek: "decode" }, enc, "/w/z.mov");
    const graph = args[args.indexOf("-filter_complex") + 1]!;
    expect(graph).toContain("split=3[s_zin][s_mid][s_zout]");
    expect(graph).toContain("[s_zin]trim=start_frame=0:end_frame=6,setpts=PTS-STARTPTS,zoompan=z=1+0.25*(1-on/6)*(1-on/6):x=iw/2-(iw/zoom/2):y=ih/2-(ih/zoom/2):d=1:s=640x360:fps=30");
    expect(graph).toContain("[s_zout]trim=start_frame=24:end_frame=30,setpts=PTS-STARTPTS,zoompan=z=1+0.25*(on/6)*(on/6)");
    expect(graph).toContain("[zin][mid][zout]concat=n=3:v=1:a=0[body]");
  });
});

describe("join builders", () => {
  const layout = layoutTimeline({ fps: 30, entries: [{ sourceStart: 0, sourceEnd: 2, transition: "cut", transitionSeconds: 0, position: 0 }, { sourceStart: 0, sourceEnd: 2, transition: "fade", transitionSeconds: 0.5, position: 1 }, { sourceStart: 0, sourceEnd: 2, transition: "cut", transitionSeconds: 0, position: 2 }] as never });

  test("crossfade piece: tail and head streams blended, encoded like the body", () => {
    expect(xfadeArgs("ffmpeg", { path: "/w/0.mov", tailStream: 2 }, { path: "/w/1.mov", headStream: 2 }, 15, 30, enc, "/w/x.mov.part")).toEqual([
      "ffmpeg", "-hide_banner", "-nostdin", "-nostats", "-v", "error", "-y", "-i", "/w/0.mov", "-i", "/w/1.mov",
      "-filter_complex", "[0:2][1:2]xfade=transition=fade:duration=0.5:offset=0[v]", "-map", "[v]", "-frames:v", "15",
      "-c:v", "libx264", "-preset:v", "veryfast", "-g:v", "60", "-pix_fmt:v", "yuv420p", "-crf:v", "20", "-profile:v", "high", "-an", "-f", "mov", "/w/x.mov.part",
    ]);
  });

  test("concat list quotes paths and gives each part its duration", () => {
    expect(concatList([{ path: "/w/it's.mov", seconds: 1.5 }, { path: "/w/x.mov", seconds: 1 / 3 }])).toBe(
      "ffconcat version 1.0\nfile '/w/it'\\''s.mov'\nduration 1.5\nfile '/w/x.mov'\nduration 0.333333\n",
    );
  });

  test("final mux: copy the picture, join audio (acrossfade of the fade's samples), apply the measured gain, chapters", () => {
    const measured = { integrated: -20.5, truePeak: -9.1 };
    expect(finalArgs("ffmpeg", { concatList: "/w/v.ffconcat", segments: ["/w/0.mov", "/w/1.mov", "/w/2.mov"], metadata: "/w/c.ffmeta", layout, loudness: { target: -14, measured }, out: "/o/p.mp4.part" })).toEqual([
      "ffmpeg", "-hide_banner", "-nostdin", "-nostats", "-v", "info", "-y", "-f", "concat", "-safe", "0", "-i", "/w/v.ffconcat",
      "-vn", "-i", "/w/0.mov", "-vn", "-i", "/w/1.mov", "-vn", "-i", "/w/2.mov", "-f", "ffmetadata", "-i", "/w/c.ffmeta",
      "-filter_complex",
      "[1:a:0]aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo[a0];[2:a:0]aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo[a1];[3:a:0]aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo[a2];" +
        "[a0][a1]acrossfade=ns=24000:c1=tri:c2=tri[j1];[j1][a2]concat=n=2:v=0:a=1[j2];[j2]anull[ajoin];" +
        "[ajoin]volume=6.5dB,ebur128=framelog=verbose,aformat=channel_layouts=stereo[aout]",
      "-map", "0:v:0", "-map", "[aout]", "-map_metadata", "4", "-map_chapters", "4", "-c:v", "copy", "-c:a", "aac", "-b:a", "192k", "-ar", "48000",
      "-movflags", "+faststart", "-progress", "pipe:2", "-f", "mp4", "/o/p.mp4.part",
    ]);
    const measure = loudnessMeasureArgs("ffmpeg", ["/w/0.mov", "/w/1.mov", "/w/2.mov"], layout);
    expect(measure.at(-1)).toBe("-");
    expect(measure[measure.indexOf("-filter_complex") + 1]).toEndWith("[ajoin]ebur128=peak=true:framelog=verbose[aout]");
  });

  test("the gain: a limiter only when the gain would push the true peak over -1.5 dBTP; no gain on silence", () => {
    const graph = (measured: { integrated: number; truePeak: number; correction?: number } | null) => graphToString([gainChain(-14, measured, "in", "out")]);
    expect(graph({ integrated: -20.5, truePeak: -8.1 })).toBe("[in]volume=6.5dB,ebur128=framelog=verbose,aformat=channel_layouts=stereo[out]");
    expect(graph({ integrated: -20.5, truePeak: -7.9 })).toBe("[in]volume=6.5dB,alimiter=limit=0.7943:attack=5:release=50:level=false:latency=true,ebur128=framelog=verbose,aformat=channel_layouts=stereo[out]");
    expect(graph({ integrated: -9, truePeak: -0.2 })).toBe("[in]volume=-5dB,ebur128=framelog=verbose,aformat=channel_layouts=stereo[out]");
    // A second try after limiting took the first 1.4 LU under: the correction adds to the gain.
    expect(graph({ integrated: -20, truePeak: 0, correction: 1.4 })).toBe("[in]volume=7.4dB,alimiter=limit=0.7943:attack=5:release=50:level=false:latency=true,ebur128=framelog=verbose,aformat=channel_layouts=stereo[out]");
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
