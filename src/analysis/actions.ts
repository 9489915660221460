/**
 * Actions from body keypoints tracked over time (MoveNet, relative coordinates, y down), and
 * from person boxes for two-person actions. Only what ~2 poses a second support honestly:
 * whole-body movement (walking, running), vertical events (jumping, falling), arm gestures
 * (raising arms, waving, drinking) and two people closing in (hugging). Spinning is left out:
 * at 2 frames/s a turn aliases, and MoveNet swaps left and right on back views anyway.
 */
import type { Pose } from "../inference/human.ts";
import type { ActionSpan } from "./types.ts";

export interface PoseSample {
  time: number;
  pose: Pose;
}

/** Person boxes ([x, y, w, h], relative) seen in one frame, for two-person actions. */
export interface PeopleSample {
  time: number;
  boxes: [number, number, number, number][];
}

type Pt = { x: number; y: number };
const MIN_SCORE = 0.3;
/** A body centre moving more than this (frame widths) between samples is another person. */
const IDENTITY_JUMP = 0.35;

function point(p: Pose, part: string): Pt | null {
  const k = p.keypoints.find((q) => q.part === part);
  return k && k.score >= MIN_SCORE ? { x: k.x, y: k.y } : null;
}

function mid(p: Pose, a: string, b: string): Pt | null {
  const pa = point(p, a);
  const pb = point(p, b);
  if (pa && pb) return { x: (pa.x + pb.x) / 2, y: (pa.y + pb.y) / 2 };
  return pa ?? pb;
}

/** Torso angle from vertical in degrees (0 upright, 90 lying), or null when not visible. */
export function torsoAngle(p: Pose): number | null {
  const s = mid(p, "leftShoulder", "rightShoulder");
  const h = mid(p, "leftHip", "rightHip");
  if (!s || !h) return null;
  return (Math.atan2(Math.abs(s.x - h.x), Math.abs(h.y - s.y)) * 180) / Math.PI;
}

/** Body size (relative height of the pose box, floored so tiny boxes do not explode ratios). */
const size = (p: Pose) => Math.max(p.bbox[3] || 0.5, 0.1);
const r2 = (v: number) => Math.round(v * 100) / 100;
const span = (action: string, confidence: number, a: number, b: number, rule: string): ActionSpan => ({ action, confidence: r2(Math.max(0, Math.min(1, confidence))), timespan: [r2(a), r2(b)], source: `rule:pose-${rule}` });

/** Body centre: mid-hips, or mid-shoulders when the hips are out of frame. */
const centre = (p: Pose): Pt | null => mid(p, "leftHip", "rightHip") ?? mid(p, "leftShoulder", "rightShoulder");

/** Splits a track where the body centre jumps (the single-pose model switched people) or time gaps. */
export function splitTrack(track: PoseSample[], maxGap = 1.5): PoseSample[][] {
  const parts: PoseSample[][] = [];
  let cur: PoseSample[] = [];
  let last: { t: number; c: Pt } | null = null;
  for (const s of track) {
    const c = centre(s.pose);
    if (!c) continue;
    if (last && (s.time - last.t > maxGap || Math.hypot(c.x - last.c.x, c.y - last.c.y) > IDENTITY_JUMP)) {
      parts.push(cur);
      cur = [];
    }
    cur.push(s);
    last = { t: s.time, c };
  }
  if (cur.length) parts.push(cur);
  return parts;
}

/** Walking or running: the hip centre travels steadily, in body heights per second. */
export function detectLocomotion(seg: PoseSample[]): ActionSpan[] {
  if (seg.length < 3) return [];
  const t0 = seg[0]!.time;
  const t1 = seg.at(-1)!.time;
  if (t1 - t0 < 1) return [];
  let path = 0;
  for (let i = 1; i < seg.length; i++) {
    const a = centre(seg[i - 1]!.pose);
    const b = centre(seg[i]!.pose);
    if (a && b) path += Math.hypot(b.x - a.x, (b.y - a.y) * 0.5) / size(seg[i]!.pose);
  }
  // splitTrack keeps only samples with a centre.
  const first = centre(seg[0]!.pose)!;
  const last = centre(seg.at(-1)!.pose)!;
  const net = Math.hypot(last.x - first.x, (last.y - first.y) * 0.5) / size(seg[0]!.pose);
  const speed = path / (t1 - t0);
  // Steady: most of the path is net travel, not jitter back and forth (0.5 measured on walkers).
  if (speed < 0.25 || net < 0.5 * path) return [];
  // Gait: the ankles swap order along the direction of travel at least once.
  const dx = last.x - first.x;
  let swaps = 0;
  let prev = 0;
  for (const s of seg) {
    const l = point(s.pose, "leftAnkle");
    const r = point(s.pose, "rightAnkle");
    if (!l || !r) continue;
    const sign = Math.sign((l.x - r.x) * (dx || 1));
    if (prev && sign && sign !== prev) swaps++;
    if (sign) prev = sign;
  }
  // No gait, no walk: a seated body swaying under a handheld camera travels too (kinetics_arm_wrestling).
  if (swaps === 0) return [];
  // About 1.5 body heights per second separates a brisk walk from a run (human gait data: walking
  // ≈ 0.8 × height/s, running ≥ 1.7 × height/s).
  const running = speed > 1.5;
  const conf = Math.min(0.9, 0.45 + Math.min(speed, 2) * 0.15 + Math.min(swaps, 3) * 0.05);
  return [span(running ? "running" : "walking", conf, t0, t1, "centre-travel")];
}

/** Falling: hips drop over a third of the body height within 1.2 s and the torso ends past 50°. */
export function detectFalling(seg: PoseSample[]): ActionSpan[] {
  for (let i = 0; i < seg.length; i++)
    for (let j = i + 1; j < seg.length && seg[j]!.time - seg[i]!.time <= 1.2; j++) {
      const a = mid(seg[i]!.pose, "leftHip", "rightHip");
      const b = mid(seg[j]!.pose, "leftHip", "rightHip");
      const angle = torsoAngle(seg[j]!.pose);
      const drop = a && b ? (b.y - a.y) / size(seg[i]!.pose) : 0;
      if (drop > 1 / 3 && angle !== null && angle > 50) return [span("falling", 0.4 + drop * 0.5, seg[i]!.time, seg[j]!.time, "hip-drop-torso-tilt")];
    }
  return [];
}

/** Jumping: hips and ankles rise a quarter body height and come back within 1.5 s, torso upright. */
export function detectJumping(seg: PoseSample[]): ActionSpan[] {
  const out: ActionSpan[] = [];
  for (let i = 1; i < seg.length - 1; i++) {
    const base = mid(seg[i - 1]!.pose, "leftHip", "rightHip");
    const top = mid(seg[i]!.pose, "leftHip", "rightHip");
    const ankBase = mid(seg[i - 1]!.pose, "leftAnkle", "rightAnkle");
    const ankTop = mid(seg[i]!.pose, "leftAnkle", "rightAnkle");
    const h = size(seg[i - 1]!.pose);
    if (!base || !top || base.y - top.y < h / 4) continue;
    // Ankles must leave the ground too, else it is a crouch standing up or the camera tilting.
    if (ankBase && ankTop && ankBase.y - ankTop.y < h / 8) continue;
    const angle = torsoAngle(seg[i]!.pose);
    if (angle === null || angle > 30) continue;
    const back = seg.slice(i + 1).find((s) => s.time - seg[i]!.time <= 1.5 && Math.abs((mid(s.pose, "leftHip", "rightHip")?.y ?? -9) - base.y) < h / 8);
    if (!back) continue;
    out.push(span("jumping", 0.4 + (base.y - top.y) / h, seg[i - 1]!.time, back.time, "hip-rise-return"));
    i = seg.indexOf(back);
  }
  return out;
}

/** Waving (raised wrist swinging sideways) or raising arms (wrist above the nose). */
export function detectArmGestures(seg: PoseSample[]): ActionSpan[] {
  const raised = seg.filter((s) => {
    const nose = point(s.pose, "nose") ?? mid(s.pose, "leftShoulder", "rightShoulder");
    return nose && ["leftWrist", "rightWrist"].some((w) => (point(s.pose, w)?.y ?? 1) < nose.y);
  });
  if (raised.length < 2) return [];
  const xs = raised.map((s) => point(s.pose, "rightWrist")?.x ?? point(s.pose, "leftWrist")?.x ?? 0);
  let turns = 0;
  for (let k = 2; k < xs.length; k++) if ((xs[k]! - xs[k - 1]!) * (xs[k - 1]! - xs[k - 2]!) < 0 && Math.abs(xs[k]! - xs[k - 1]!) > 0.02) turns++;
  const share = raised.length / seg.length;
  return turns >= 2
    ? [span("waving", 0.4 + share * 0.4, raised[0]!.time, raised.at(-1)!.time, "wrist-oscillation")]
    : [span("raising arms", 0.3 + share * 0.4, raised[0]!.time, raised.at(-1)!.time, "wrist-above-head")];
}

/**
 * Drinking (or eating): a wrist held at the mouth, within half a shoulder width of the nose,
 * for two samples in a row or more (a hand passing the face is one sample).
 */
export function detectDrinking(seg: PoseSample[]): ActionSpan[] {
  const near = seg.map((s) => {
    const nose = point(s.pose, "nose");
    const ls = point(s.pose, "leftShoulder");
    const rs = point(s.pose, "rightShoulder");
    if (!nose || !ls || !rs) return false;
    const reach = Math.max(Math.abs(ls.x - rs.x), 0.02) * 0.5;
    return ["leftWrist", "rightWrist"].some((w) => {
      const p = point(s.pose, w);
      return p !== null && Math.hypot(p.x - nose.x, p.y - (nose.y + reach * 0.3)) < reach;
    });
  });
  let best: [number, number] | null = null;
  for (let i = 0; i < near.length; i++) {
    if (!near[i]) continue;
    let j = i;
    while (j + 1 < near.length && near[j + 1]) j++;
    if (j > i && (!best || j - i > best[1] - best[0])) best = [i, j];
    i = j;
  }
  if (!best) return [];
  const share = (best[1] - best[0] + 1) / seg.length;
  return [span("drinking", 0.35 + share * 0.4, seg[best[0]]!.time, seg[best[1]]!.time, "wrist-to-mouth")];
}

const overlap = (a: number[], b: number[]) => {
  const w = Math.min(a[0]! + a[2]!, b[0]! + b[2]!) - Math.max(a[0]!, b[0]!);
  const h = Math.min(a[1]! + a[3]!, b[1]! + b[3]!) - Math.max(a[1]!, b[1]!);
  return w > 0 && h > 0 ? (w * h) / Math.min(a[2]! * a[3]!, b[2]! * b[3]!) : 0;
};

/**
 * Hugging: two people apart (boxes not touching, on two samples) later overlap by a quarter of the smaller box
 * for two samples running. On ntu_two_men_hug the boxes go from a gap to ~0.35 overlap; people
 * walking past each other overlap for one sample only.
 */
export function detectHugging(people: PeopleSample[]): ActionSpan[] {
  let apartAt: number | null = null;
  let apartCount = 0;
  let closeCount = 0;
  for (const s of people) {
    // The two largest standing figures: at least a fifth of the frame tall, and upright (relative
    // height ≥ 2.5 × relative width; the standing men in ntu_two_men_hug are ~5, seated arm
    // wrestlers leaning over a table are wider).
    const bs = [...s.boxes].filter((b) => b[3] > 0.2 && b[3] >= 2.5 * b[2]).sort((a, b) => b[2] * b[3] - a[2] * a[3]);
    if (bs.length < 2) continue;
    const o = overlap(bs[0]!, bs[1]!);
    if (o === 0) {
      apartAt = s.time;
      apartCount++;
      closeCount = 0;
    } else if (o >= 0.25 && apartAt !== null && apartCount >= 2) {
      // Apart on two samples first: one-off gaps from box jitter (arm wrestlers at a table) do not count.
      if (++closeCount >= 2) return [span("hugging", 0.35 + Math.min(o, 1) * 0.3, apartAt, s.time, "people-boxes-merge")];
    }
  }
  return [];
}

/** Detects actions in a time-ordered pose track (and person boxes, when given). */
export function detectActions(track: PoseSample[], people: PeopleSample[] = []): ActionSpan[] {
  const good = [...track].filter((s) => s.pose.score >= MIN_SCORE).sort((a, b) => a.time - b.time);
  const out: ActionSpan[] = [];
  for (const seg of splitTrack(good)) {
    if (seg.length < 2) continue;
    out.push(...detectLocomotion(seg), ...detectFalling(seg), ...detectJumping(seg), ...detectArmGestures(seg), ...detectDrinking(seg));
  }
  out.push(...detectHugging([...people].sort((a, b) => a.time - b.time)));
  return mergeSpans(out);
}

/** Joins spans of the same action that touch or overlap (within 1 s), keeping the best confidence. */
export function mergeSpans(spans: ActionSpan[]): ActionSpan[] {
  const sorted = [...spans].sort((a, b) => a.action.localeCompare(b.action) || a.timespan[0] - b.timespan[0]);
  const out: ActionSpan[] = [];
  for (const s of sorted) {
    const last = out.at(-1);
    if (last && last.action === s.action && s.timespan[0] <= last.timespan[1] + 1) {
      last.timespan = [last.timespan[0], Math.max(last.timespan[1], s.timespan[1])];
      last.confidence = Math.max(last.confidence, s.confidence);
    } else out.push({ ...s, timespan: [...s.timespan] });
  }
  return out.sort((a, b) => a.timespan[0] - b.timespan[0]);
}
