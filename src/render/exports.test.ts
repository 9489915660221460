import { describe, expect, test } from "bun:test";
import type { Timeline, TimelineEntry } from "../production/types.ts";
import { groupCues, wrapCaption } from "./captions.ts";
import { buildChapters, buildEdl, buildOtio, buildSrt, reelNames, timecode } from "./exports.ts";
import { layoutTimeline } from "./layout.ts";

const mk = (position: number, filePath: string, sourceStart: number, sourceEnd: number, transition: TimelineEntry["transition"], transitionSeconds: number, title: string): TimelineEntry => ({
  position, clipId: `c${position}`, externalId: `e${position}`, filePath, sourceStart, sourceEnd, start: 0, end: 0, transition, transitionSeconds, audioLevel: 1,
  source: { width: 640, height: 360, fps: 25, hasAudio: true, durationSeconds: 10 }, section: "build-up", reason: "r", title,
});
const tl: Timeline = {
  productionId: "demo", style: "chill", aspect: "16:9", resolution: "720p", width: 1280, height: 720, fps: 25, loudnessTarget: -14, duration: 8,
  entries: [
    mk(0, "/clips/grid_s1_bbaf2n.mp4", 1, 4, "cut", 0, "1. Talking head"),
    mk(1, "/clips/grid_s2_bbaf3s.mp4", 0.5, 3.5, "fade", 1, "2. Second = speaker; #2"),
    mk(2, "/clips/film_dialogue.mp4", 2, 5, "zoom", 0.4, "3. Film"),
  ],
};
const words = [
  { position: 0, words: [{ word: "bin", start: 0.9, end: 1.2 }, { word: "blue", start: 1.3, end: 1.6 }, { word: "at", start: 1.7, end: 1.8 }, { word: "f", start: 1.9, end: 2.0 }, { word: "two", start: 2.1, end: 2.4 }, { word: "now.", start: 2.5, end: 2.9 }, { word: "late", start: 3.9, end: 4.3 }] },
  { position: 1, words: [{ word: "supercalifragilistic", start: 0.6, end: 1.4 }, { word: "expialidocious", start: 1.5, end: 2.2 }, { word: "is", start: 2.3, end: 2.4 }, { word: "a", start: 2.45, end: 2.5 }, { word: "very", start: 2.55, end: 2.8 }, { word: "long", start: 2.85, end: 3.1 }, { word: "word", start: 3.15, end: 3.4 }] },
];

describe("SRT", () => {
  test("words mapped to video time, half-cut words kept by their middle, the word past the window dropped", () => {
    expect(buildSrt(tl, words)).toBe(
      "1\n00:00:00,000 --> 00:00:01,900\nbin blue at f two now.\n\n" +
        "2\n00:00:02,100 --> 00:00:04,900\nsupercalifragilistic\nexpialidocious is a very long word\n",
    );
  });
  test("cues stay within 42 chars a line, 2 lines and 6 s; pauses split cues", () => {
    const text = "place blue at f two now lay green by h eight please set white with p four again bin red in z one soon".split(" ");
    const ws = text.map((w, i) => ({ word: w, start: i * 0.4 + (i >= 12 ? 2 : 0), end: i * 0.4 + 0.35 + (i >= 12 ? 2 : 0) }));
    const cues = groupCues(ws);
    expect(cues.flatMap((c) => c.lines).join(" ")).toBe(text.join(" "));
    for (const c of cues) {
      expect(c.lines.length).toBeLessThanOrEqual(2);
      for (const l of c.lines) expect(l.length).toBeLessThanOrEqual(42);
      expect(c.end - c.start).toBeLessThanOrEqual(6);
    }
    // The 2 s pause before word 12 ends a cue.
    const texts = cues.map((c) => c.lines.join(" "));
    expect(texts.some((t) => t.endsWith(" please"))).toBe(true);
    expect(texts.some((t) => t.startsWith("set "))).toBe(true);
    expect(wrapCaption("a".repeat(43))).toBeNull();
  });
});

describe("CMX3600 EDL", () => {
  test("cut, dissolve (zero-length cut + D event of 25 frames), zoom as a cut with a note", () => {
    expect(buildEdl(tl)).toBe(
      [
        "TITLE: DEMO",
        "FCM: NON-DROP FRAME",
        "",
        "001  GRIDS1BB AA/V  C        00:00:01:00 00:00:03:00 00:00:00:00 00:00:02:00",
        "* FROM CLIP NAME: grid_s1_bbaf2n.mp4",
        "* COMMENT: 1. Talking head",
        "",
        "002  GRIDS1BB AA/V  C        00:00:03:00 00:00:03:00 00:00:02:00 00:00:02:00",
        "002  GRIDS2BB AA/V  D    025 00:00:00:13 00:00:03:13 00:00:02:00 00:00:05:00",
        "* FROM CLIP NAME: grid_s1_bbaf2n.mp4",
        "* TO CLIP NAME: grid_s2_bbaf3s.mp4",
        "* COMMENT: 2. Second = speaker; #2",
        "",
        "003  FILMDIAL AA/V  C        00:00:02:00 00:00:05:00 00:00:05:00 00:00:08:00",
        "* FROM CLIP NAME: film_dialogue.mp4",
        "* EFFECT: ZOOM-IN TRANSITION RENDERED INTO THE CUT",
        "* COMMENT: 3. Film",
        "",
      ].join("\n"),
    );
  });
  test("timecodes and reel names of at most 8 characters, unique per file", () => {
    expect(timecode(25 * 3661 + 7, 25)).toBe("01:01:01:07");
    const reels = reelNames(["/a/sports_baseball_play.mp4", "/b/sports_basketball_game.mp4", "/a/sports_baseball_play.mp4", "/c/---.mp4"]);
    expect([...reels.values()]).toEqual(["SPORTSBA", "SPORTS_1", "AX"]);
  });
});

describe("chapters", () => {
  test("FFMETADATA with escaped titles; a crossfaded chapter starts mid-blend", () => {
    expect(buildChapters(tl, "Demo")).toBe(
      ";FFMETADATA1\ntitle=Demo\n\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=2500\ntitle=1. Talking head\n\n" +
        "[CHAPTER]\nTIMEBASE=1/1000\nSTART=2500\nEND=5000\ntitle=2. Second \\= speaker\\; \\#2\n\n" +
        "[CHAPTER]\nTIMEBASE=1/1000\nSTART=5000\nEND=8000\ntitle=3. Film\n",
    );
  });
});

describe("OpenTimelineIO", () => {
  type Node = Record<string, unknown> & { OTIO_SCHEMA: string };
  const rtOk = (t: unknown, rate: number) => {
    const r = t as Node;
    expect(r.OTIO_SCHEMA).toBe("RationalTime.1");
    expect(r.rate).toBe(rate);
    expect(Number.isInteger(r.value)).toBe(true);
    return r.value as number;
  };

  test("Timeline.1 → Stack.1 → video Track.1 of Clip.2 and Transition.1; durations add up to the video", () => {
    const otio = JSON.parse(JSON.stringify(buildOtio(tl))) as Node;
    expect(otio.OTIO_SCHEMA).toBe("Timeline.1");
    const stack = otio.tracks as Node;
    expect(stack.OTIO_SCHEMA).toBe("Stack.1");
    const tracks = stack.children as Node[];
    expect(tracks).toHaveLength(1);
    expect(tracks[0]!.OTIO_SCHEMA).toBe("Track.1");
    expect(tracks[0]!.kind).toBe("Video");
    const items = tracks[0]!.children as Node[];
    expect(items.map((i) => i.OTIO_SCHEMA)).toEqual(["Clip.2", "Transition.1", "Clip.2", "Clip.2"]);
    let total = 0;
    for (const item of items) {
      if (item.OTIO_SCHEMA === "Transition.1") {
        expect(item.transition_type).toBe("SMPTE_Dissolve");
        expect(rtOk(item.in_offset, 25) + rtOk(item.out_offset, 25)).toBe(25);
        continue;
      }
      const range = item.source_range as Node;
      expect(range.OTIO_SCHEMA).toBe("TimeRange.1");
      const start = rtOk(range.start_time, 25);
      const dur = rtOk(range.duration, 25);
      total += dur;
      const ref = (item.media_references as Record<string, Node>)[item.active_media_reference_key as string]!;
      expect(ref.OTIO_SCHEMA).toBe("ExternalReference.1");
      expect(ref.target_url as string).toStartWith("file:///clips/");
      const avail = ref.available_range as Node;
      expect(start).toBeGreaterThanOrEqual(rtOk(avail.start_time, 25));
      expect(start + dur).toBeLessThanOrEqual(rtOk(avail.duration, 25));
    }
    expect(total).toBe(layoutTimeline(tl).totalFrames);
  });
});
