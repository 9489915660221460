import { describe, expect, test } from "bun:test";
import type { Pose } from "../inference/human.ts";
import { detectActions, detectHugging, mergeSpans, splitTrack, torsoAngle, type PoseSample } from "./actions.ts";

/** A standing body (relative coords, y down) centred at (cx, top + 0.25), 0.5 tall, with overrides. */
function body(cx: number, top = 0.25, over: Record<string, [number, number]> = {}): Pose {
  const parts: Record<string, [number, number]> = {
    nose: [cx, top + 0.03],
    leftShoulder: [cx + 0.04, top + 0.1],
    rightShoulder: [cx - 0.04, top + 0.1],
    leftElbow: [cx + 0.05, top + 0.18],
    rightElbow: [cx - 0.05, top + 0.18],
    leftWrist: [cx + 0.05, top + 0.26],
    rightWrist: [cx - 0.05, top + 0.26],
    leftHip: [cx + 0.03, top + 0.27],
    rightHip: [cx - 0.03, top + 0.27],
    leftAnkle: [cx + 0.03, top + 0.5],
    rightAnkle: [cx - 0.03, top + 0.5],
    ...over,
  };
  return { score: 0.8, bbox: [cx - 0.06, top, 0.12, 0.5], keypoints: Object.entries(parts).map(([part, [x, y]]) => ({ part, x, y, score: 0.8 })) };
}
const track = (n: number, fps: number, f: (i: number, t: number) => Pose): PoseSample[] => Array.from({ length: n }, (_, i) => ({ time: i / fps, pose: f(i, i / fps) }));
const gait = (i: number, cx: number): Record<string, [number, number]> => (i % 2 ? { leftAnkle: [cx + 0.05, 0.75], rightAnkle: [cx - 0.05, 0.75] } : { leftAnkle: [cx - 0.05, 0.75], rightAnkle: [cx + 0.05, 0.75] });
const names = (s: PoseSample[], p: Parameters<typeof detectActions>[1] = []) => detectActions(s, p).map((a) => a.action);

describe("pose action rules on synthetic tracks", () => {
  test("standing still is no action", () => {
    expect(detectActions(track(8, 2, () => body(0.5)))).toEqual([]);
  });
  test("torso angle: upright 0°, lying 90°", () => {
    expect(torsoAngle(body(0.5))).toBeCloseTo(0, 0);
    const lying = body(0.5, 0.25, { leftShoulder: [0.3, 0.6], rightShoulder: [0.3, 0.62], leftHip: [0.6, 0.6], rightHip: [0.6, 0.62] });
    expect(torsoAngle(lying)).toBeGreaterThan(80);
  });
  test("walking: steady travel (~0.6 body heights/s) with alternating ankles", () => {
    const s = track(8, 2, (i, t) => body(0.2 + t * 0.15, 0.25, gait(i, 0.2 + t * 0.15)));
    const a = detectActions(s);
    expect(a.map((x) => x.action)).toEqual(["walking"]);
    expect(a[0]!.source).toBe("rule:pose-centre-travel");
    expect(a[0]!.timespan).toEqual([0, 3.5]);
  });
  test("running: fast travel (1.6 body heights/s) with alternating ankles", () => {
    expect(names(track(5, 4, (i, t) => body(0.05 + t * 0.8, 0.25, gait(i, 0.05 + t * 0.8))))).toEqual(["running"]);
  });
  test("travel without a gait (seated, camera drift) is not walking", () => {
    expect(names(track(8, 2, (_, t) => body(0.2 + t * 0.15)))).toEqual([]);
  });
  test("a jump to another person is a track break, not travel", () => {
    const s = [...track(3, 2, () => body(0.1)), ...track(3, 2, () => body(0.8)).map((x) => ({ ...x, time: x.time + 1.5 }))];
    expect(splitTrack(s)).toHaveLength(2);
    expect(names(s)).toEqual([]);
  });
  test("falling: hips drop and torso turns horizontal within a second", () => {
    const lying = body(0.5, 0.25, { leftShoulder: [0.3, 0.8], rightShoulder: [0.3, 0.82], leftHip: [0.6, 0.8], rightHip: [0.6, 0.82], nose: [0.25, 0.8] });
    const s = [...track(3, 2, () => body(0.5)), { time: 1.5, pose: lying }, { time: 2, pose: lying }];
    expect(names(s)).toContain("falling");
  });
  test("jumping: hips and ankles rise a quarter body and come back", () => {
    const s = track(6, 4, (i) => body(0.5, i === 2 ? 0.1 : 0.25));
    expect(names(s)).toEqual(["jumping"]);
  });
  test("waving: a wrist above the head swinging side to side", () => {
    const s = track(8, 4, (i) => body(0.5, 0.25, { rightWrist: [0.42 + (i % 2) * 0.06, 0.2] }));
    expect(names(s)).toEqual(["waving"]);
  });
  test("raising arms: wrists held above the head", () => {
    expect(names(track(6, 2, () => body(0.5, 0.25, { rightWrist: [0.45, 0.2], leftWrist: [0.55, 0.2] })))).toEqual(["raising arms"]);
  });
  test("drinking: a wrist held at the mouth over consecutive samples, not a hand passing once", () => {
    const atMouth = { rightWrist: [0.5, 0.29] as [number, number] };
    expect(names(track(8, 2, (i) => body(0.5, 0.25, i >= 3 && i <= 5 ? atMouth : {})))).toEqual(["drinking"]);
    expect(names(track(8, 2, (i) => body(0.5, 0.25, i === 3 ? atMouth : {})))).toEqual([]);
  });
  test("hugging: two upright people apart, then overlapping on two samples", () => {
    const apart: [number, number, number, number][] = [[0.3, 0.2, 0.1, 0.6], [0.5, 0.2, 0.1, 0.6]];
    const close: [number, number, number, number][] = [[0.36, 0.2, 0.1, 0.6], [0.42, 0.2, 0.1, 0.6]];
    const people = [apart, apart, close, close].map((boxes, i) => ({ time: i * 0.5, boxes }));
    const hug = detectHugging(people);
    expect(hug.map((a) => a.action)).toEqual(["hugging"]);
    expect(hug[0]!.timespan).toEqual([0.5, 1.5]);
    // Apart once (box jitter) is not enough; wide (seated) boxes never count.
    expect(detectHugging(people.slice(1))).toEqual([]);
    expect(detectHugging(people.map((p) => ({ ...p, boxes: p.boxes.map((b) => [b[0], b[1], b[2] * 3, b[3] / 2] as [number, number, number, number]) })))).toEqual([]);
  });
  test("mergeSpans joins touching spans of one action", () => {
    const m = mergeSpans([
      { action: "walking", confidence: 0.5, timespan: [0, 2], source: "rule:pose-x" },
      { action: "walking", confidence: 0.7, timespan: [2.5, 4], source: "rule:pose-x" },
      { action: "waving", confidence: 0.6, timespan: [1, 2], source: "rule:pose-y" },
    ]);
    expect(m).toEqual([
      { action: "walking", confidence: 0.7, timespan: [0, 4], source: "rule:pose-x" },
      { action: "waving", confidence: 0.6, timespan: [1, 2], source: "rule:pose-y" },
    ]);
  });
});
