/**
 * Actions from body keypoints tracked over time (MoveNet, relative coordinates, y down). Only
 * what the signal supports honestly: whole-body movement (walking, running), vertical events
 * (jumping, falling) and arm gestures (raising arms, waving). Each rule is named in `source`.
 */
import type { ActionSpan } from "./types.ts";
import type { Pose } from "../inference/human.ts";

export interface PoseSample {
  time: number;
  pose: Pose;
}

const MIN_SCORE = 0.3;

function point(p: Pose, part: string): { x: number; y: number } | null {
  const k = p.keypoints.find((q) => q.part === part);
  return k && k.score >= MIN_SCORE ? { x: k.x, y: k.y } : null;
}

function mid(p: Pose, a: string, b: string): { x: number; y: number } | null {
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

const r2 = (v: number) => Math.round(v * 100) / 100;

/** Detects actions in a time-ordered pose track. */
export function detectActions(track: PoseSample[]): ActionSpan[] {
  const out: ActionSpan[] = [];
  const good = track.filter((s) => s.pose.score >= MIN_SCORE);
  if (good.length < 2) return out;
  const hips = good.map((s) => ({ t: s.time, h: mid(s.pose, "leftHip", "rightHip"), size: s.pose.bbox[3] || 0.5 }));
  // Falling: hips drop by over a third of the body height within 1.2 s and the torso ends past 50°.
  for (let i = 0; i < hips.length; i++)
    for (let j = i + 1; j < hips.length && hips[j]!.t - hips[i]!.t <= 1.2; j++) {
      const a = hips[i]!.h;
      const b = hips[j]!.h;
      const angle = torsoAngle(good[j]!.pose);
      if (a && b && b.y - a.y > hips[i]!.size / 3 && angle !== null && angle > 50) {
        out.push({ action: "falling", confidence: r2(Math.min(1, (b.y - a.y) / hips[i]!.size)), timespan: [r2(hips[i]!.t), r2(hips[j]!.t)], source: "rule:pose-hip-drop-torso-tilt" });
        i = j;
        break;
      }
    }
  // Jumping: hips rise by a quarter of the body height and come back within 1.5 s, torso upright.
  for (let i = 1; i < hips.length - 1; i++) {
    const base = hips[i - 1]!.h;
    const top = hips[i]!.h;
    const after = hips.slice(i + 1).find((x) => x.t - hips[i]!.t <= 1.5 && x.h && base && Math.abs(x.h.y - base.y) < hips[i]!.size / 8);
    const angle = torsoAngle(good[i]!.pose);
    if (base && top && after && base.y - top.y > hips[i]!.size / 4 && angle !== null && angle < 30)
      out.push({ action: "jumping", confidence: r2(Math.min(1, (base.y - top.y) / (hips[i]!.size / 2))), timespan: [r2(hips[i - 1]!.t), r2(after.t)], source: "rule:pose-hip-rise-return" });
  }
  // Walking or running: the body centre travels steadily across the frame (relative widths/s).
  const first = hips.find((x) => x.h);
  const last = [...hips].reverse().find((x) => x.h);
  if (first && last && last.t - first.t >= 1) {
    const speed = Math.abs(last.h!.x - first.h!.x) / (last.t - first.t) / Math.max(first.size, 0.1);
    if (speed > 0.15) out.push({ action: speed > 0.8 ? "running" : "walking", confidence: r2(Math.min(1, speed / 1.2 + 0.3)), timespan: [r2(first.t), r2(last.t)], source: "rule:pose-centre-travel" });
  }
  // Arms raised: a wrist above the nose; waving when the raised wrist swings sideways back and forth.
  const raised = good.filter((s) => {
    const nose = point(s.pose, "nose");
    return nose && ["leftWrist", "rightWrist"].some((w) => (point(s.pose, w)?.y ?? 1) < nose.y);
  });
  if (raised.length >= 2) {
    const xs = raised.map((s) => point(s.pose, "rightWrist")?.x ?? point(s.pose, "leftWrist")?.x ?? 0);
    let turns = 0;
    for (let k = 2; k < xs.length; k++) if ((xs[k]! - xs[k - 1]!) * (xs[k - 1]! - xs[k - 2]!) < 0) turns++;
    out.push({ action: turns >= 2 ? "waving" : "raising arms", confidence: r2(Math.min(1, raised.length / good.length + 0.3)), timespan: [r2(raised[0]!.time), r2(raised.at(-1)!.time)], source: turns >= 2 ? "rule:pose-wrist-oscillation" : "rule:pose-wrist-above-head" });
  }
  return out;
}
