/** Plain-language description and element list built from detected signals only. */
import type { AudioSummary, VisualSummary } from "../indexing/types.ts";

/** Objects, actions and scene words, strongest first, without repeats. */
export function elementsOf(visual: VisualSummary, audio: AudioSummary): string[] {
  const out: string[] = [];
  const push = (s: string) => {
    if (s && !out.includes(s)) out.push(s);
  };
  [...visual.objects].sort((a, b) => b.confidence - a.confidence).forEach((o) => push(o.object));
  [...visual.actions].sort((a, b) => b.confidence - a.confidence).forEach((a) => push(a.action));
  if (visual.faces.count > 0) push("face");
  if (visual.meanLuma < 50) push("dark");
  if (visual.onScreenText.length) push("on-screen text");
  if (audio.hasSpeech) push("speech");
  if (audio.hasBackgroundMusic) push("music");
  return out;
}

const listPhrase = (items: string[]) =>
  items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;

/** One or two sentences saying what the signals found, e.g. "Single shot, 8 s: dog and person; walking." */
export function describeScene(visual: VisualSummary, audio: AudioSummary, duration: number, pacing: string): string {
  const shots = visual.shots.length <= 1 ? "Single shot" : `${visual.shots.length} shots`;
  const objects = [...new Set([...visual.objects].sort((a, b) => b.confidence - a.confidence).map((o) => o.object))].slice(0, 5);
  const actions = [...new Set(visual.actions.map((a) => a.action))].slice(0, 3);
  const parts = [`${shots}, ${Math.round(duration)} s, ${pacing} pacing`];
  parts.push(objects.length ? `shows ${listPhrase(objects)}` : "no known objects detected");
  if (actions.length) parts.push(`action: ${listPhrase(actions)}`);
  if (visual.faces.count) parts.push(`${visual.faces.count} face${visual.faces.count > 1 ? "s" : ""}`);
  const text = visual.onScreenText.map((l) => l.text).slice(0, 3);
  if (text.length) parts.push(`on-screen text "${text.join(" / ")}"`);
  const sound: string[] = [];
  if (!audio.hasAudio) sound.push("no audio");
  else {
    if (audio.hasSpeech) sound.push(audio.transcript ? `speech ("${audio.transcript.split(/\s+/).slice(0, 8).join(" ")}")` : "speech");
    if (audio.hasBackgroundMusic) sound.push("music");
    const ev = [...new Set(audio.soundEvents.map((e) => e.event).filter((e) => e !== "speech" && e !== "music" && e !== "silence"))];
    if (ev.length) sound.push(listPhrase(ev));
    if (!sound.length) sound.push(audio.integratedLufs !== null && audio.integratedLufs < -60 ? "silent audio" : "ambient sound");
  }
  return `${parts.join("; ")}. Audio: ${sound.join(", ")}.`;
}
