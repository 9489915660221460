import { describe, expect, test } from "bun:test";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runMedia } from "../media/exec.ts";
import { chain, escapeOptionValue, filterToString, graphToString } from "./filtergraph.ts";

const CLIPS = join(import.meta.dir, "..", "..", "..", "shared", "corpus", "clips");

describe("escapeOptionValue", () => {
  test("matches ffmpeg's own documented example (filters.html, 'Notes on filtergraph escaping')", () => {
    expect(escapeOptionValue("this is a 'string': may contain one, or more, special characters")).toBe(
      "this is a \\\\\\'string\\\\\\'\\\\: may contain one\\, or more\\, special characters",
    );
  });
  test("expressions keep their commas escaped for the graph parser", () => {
    expect(escapeOptionValue("min(max(iw*0.3-320,0),iw-640)")).toBe("min(max(iw*0.3-320\\,0)\\,iw-640)");
  });
  test("brackets, semicolons and backslashes; numbers without exponent forms", () => {
    expect(escapeOptionValue("a[b];c\\d")).toBe("a\\[b\\]\\;c\\\\\\\\d");
    expect(escapeOptionValue(1e-7)).toBe("0");
    expect(escapeOptionValue(0.1234567)).toBe("0.123457");
    expect(escapeOptionValue(" x ")).toBe("\\ x\\ ");
  });
});

describe("graphToString", () => {
  test("named, positional and labelled filters in chains", () => {
    const g = graphToString([
      chain(["0:v:0"], [{ filter: "scale", options: { w: 640, h: 360, flags: "bicubic" } }, { filter: "fps", options: [30] }], ["v"]),
      chain(["0:a:0"], [], ["a"], "audio"),
      [{ inputs: ["v", "w"], filter: "xfade", options: { transition: "fade", duration: 0.5, offset: 0 }, outputs: ["x"] }],
    ]);
    expect(g).toBe("[0:v:0]scale=w=640:h=360:flags=bicubic,fps=30[v];[0:a:0]anull[a];[v][w]xfade=transition=fade:duration=0.5:offset=0[x]");
  });
  test("undefined options are left out; bad names and labels are refused", () => {
    expect(filterToString({ filter: "pad", options: { w: 2, color: undefined } })).toBe("pad=w=2");
    expect(() => filterToString({ filter: "scale;rm", options: {} })).toThrow("bad filter name");
    expect(() => filterToString({ inputs: ["a]b"], filter: "null" })).toThrow("bad filter pad label");
  });
  test("real ffmpeg opens a file whose path holds , : ' [ ] ; through movie=", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fg-"));
    try {
      const nasty = join(dir, "it's a, b: c [d]; e.mp4");
      await copyFile(join(CLIPS, "sports_baseball_play.mp4"), nasty);
      const graph = graphToString([[{ filter: "movie", options: { filename: nasty } }, { filter: "trim", options: { end_frame: 3 }, outputs: ["v"] }]]);
      const r = await runMedia(["ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-filter_complex", graph, "-map", "[v]", "-f", "framecrc", "-"]);
      // Three frames came out of the file, so the escaped path reached the movie source intact.
      expect(new TextDecoder().decode(r.stdout).split("\n").filter((l) => /^0,/.test(l))).toHaveLength(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
