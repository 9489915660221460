import type { AppContext } from "../app.ts";
import { NEAR_DUPLICATE_SIMILARITY } from "../analysis/visual/features.ts";
import { faceConsentIssue, sidecarConsent } from "../compliance/faces.ts";
import { findCopyrightedMusic, fingerprintAudio } from "../compliance/music.ts";
import { licenseInText, readSidecars, sidecarLicense } from "../compliance/sidecar.ts";
import type { RightsIssueJson } from "../db/json-types.ts";
import type { TagInput } from "../db/repositories/clips.ts";
import type { IndexClipContext } from "../machines/index-clip.ts";
import { buildDocument } from "../search/search-index.ts";
import { decideRights, requiresAttribution } from "../rights/license.ts";
import type { StoreResult } from "./types.ts";


export type FingerprintSimilarity = (a: string[], b: string[]) => number;

/**
 * Writes one analysed clip (row, tags, keyframes) in a single transaction, then links
 * near-duplicates. Idempotent: when a restored statechart re-runs this step after the row was
 * committed, the existing row (same file hash) is returned instead of a second one.
 */
export async function storeClip(app: AppContext, ctx: IndexClipContext, similarity: FingerprintSimilarity): Promise<StoreResult> {
  const { input, probe, visual, audio, analysis, fileHash } = ctx;
  if (!probe || !visual || !audio || !analysis || !fileHash) throw new Error("store reached without a complete analysis");
  const already = await app.clips.findByHash(fileHash);
  // Same bytes stored from another path and analysed: that clip stands, untouched.
  if (already && already.status === "analyzed" && already.filePath !== input.path) return { clipId: already.id, externalId: already.externalId, nearDuplicates: [] };

  // Licence: the command line or sheet first, then a sidecar file beside the clip, then what the container says.
  // Sidecars are read once: the licence (unless given) and the people's consent both come from them.
  const sidecars = await readSidecars(input.path);
  const sidecar = input.license ? null : sidecarLicense(sidecars);
  const containerLicense = probe.tags.license ?? probe.tags.copyright ?? licenseInText(probe.tags.comment);
  const licenseText = input.license ?? sidecar?.license ?? containerLicense ?? null;
  const rights = decideRights(licenseText, app.config.approvedLicenses);
  const origin = input.license ? (input.licenseOrigin ?? "given at index time") : sidecar ? `sidecar ${sidecar.file.split("/").pop()}` : licenseText ? "container metadata" : "none";
  // The seed's verdict: cleared only with no issue; confidence 1 − 0.25 per issue; each issue kept with its evidence.
  const issues: RightsIssueJson[] = rights.cleared ? [] : [{ kind: "license", reason: rights.reason }];
  if (visual.watermark) {
    const [x, y, w, h] = visual.watermark.box;
    // Text read inside the still region (a handle, a platform's name) says whose mark it is.
    const text = visual.onScreenText.filter((l) => l.bbox && l.bbox[0] + l.bbox[2] / 2 >= x && l.bbox[0] + l.bbox[2] / 2 <= x + w && l.bbox[1] + l.bbox[3] / 2 >= y && l.bbox[1] + l.bbox[3] / 2 <= y + h).map((l) => l.text);
    issues.push({
      kind: "watermark",
      reason: `a burned-in mark stays still at x ${x}, y ${y} (${w}×${h} of the frame) while ${Math.round(visual.watermark.movingShare * 100)}% of the picture moves${text.length ? `: "${text.join(" ")}"` : ""}`,
      evidence: { box: visual.watermark.box, ...(text.length ? { text: text.join(" ") } : {}) },
    });
  }
  if (app.config.env.REELSMITH_REFERENCE_TRACKS && audio.hasAudio)
    for (const m of await findCopyrightedMusic(app, await fingerprintAudio(input.path)))
      issues.push({ kind: "copyrighted_music", reason: `plays the reference track "${m.track}" from ${m.start} s to ${m.end} s`, evidence: { track: m.track, start: m.start, end: m.end, score: m.score } });
  // Likeness is not covered by the copyright licence: identifiable faces need consent on record.
  const consent = input.consent ?? sidecarConsent(sidecars);
  const faceIssue = faceConsentIssue(visual.faces.boxes, visual.faces.count, consent);
  if (faceIssue) issues.push(faceIssue);
  // Brand safety: the worst unsafe keyframe is the evidence; every flagged time is in the reason.
  const unsafe = visual.safety?.flagged ? visual.safety.unsafe : [];
  if (unsafe.length) {
    const worst = unsafe.reduce((a, b) => (b.score > a.score ? b : a));
    issues.push({
      kind: "nsfw",
      reason: `unsafe for brands: ${unsafe.map((u) => `${u.label} ${u.score.toFixed(2)} at ${u.time.toFixed(1)} s`).join(", ")} (nsfwjs MobileNetV2 and MobileNetV2Mid agreeing, ${visual.safety!.frames} keyframes looked at)`,
      evidence: { time: worst.time, score: worst.score, text: worst.label },
    });
  }
  const attribution = requiresAttribution(rights.license) ? (sidecar?.attribution ?? input.provenance ?? probe.tags.artist ?? probe.tags.copyright ?? null) : null;

  const candidates = (await app.clips.fingerprints()).filter((c) => c.id !== already?.id).map((c) => ({ ...c, similarity: similarity(visual.fingerprint, c.perceptualHash) }));
  const near = candidates.filter((c) => c.similarity >= NEAR_DUPLICATE_SIMILARITY).sort((a, b) => b.similarity - a.similarity);

  const a = analysis;
  const tags: TagInput[] = a.tags;
  const row = {
    filePath: input.path,
    fileHash,
    durationSeconds: visual.durationSeconds || probe.durationSeconds,
    resolutionWidth: probe.width || null,
    resolutionHeight: probe.height || null,
    fps: probe.fps || null,
    fileSizeBytes: probe.fileSizeBytes,
    codec: probe.videoCodec,
    audioCodec: probe.audioCodec,
    lastAnalyzedAt: new Date(),
    status: "analyzed" as const,
    statusReason: visual.absent.length + audio.absent.length ? `partial: ${[...visual.absent, ...audio.absent].map((x) => x.signal).join(", ")} absent` : null,
    rightsCleared: issues.length === 0,
    rightsReason: `${[rights.reason, ...issues.filter((i) => i.kind !== "license").map((i) => i.reason)].join("; ")} (licence from ${origin})`,
    rightsIssues: issues,
    rightsConfidence: Math.max(0, 1 - 0.25 * issues.length),
    license: licenseText,
    attribution,
    source: input.source ?? "user_upload",
    sceneDescription: a.sceneDescription,
    visualElements: a.visualElements,
    keyMoments: a.keyMoments,
    emotionalTone: a.emotionalTone,
    intensity: a.intensity,
    surpriseFactor: a.surpriseFactor,
    viralPotential: a.viralPotential,
    impactScore: a.impactScore,
    narrativeArc: a.narrativeArc,
    standalone: a.standalone,
    pacing: a.pacing,
    audioTranscript: audio.transcript || null,
    transcriptWords: audio.words.map((w) => ({ word: w.word, start: w.start, end: w.end })),
    soundEvents: [...new Set(audio.soundEvents.map((e) => e.event))],
    soundEventSpans: audio.soundEvents.map((e) => ({ event: e.event, start: e.start, end: e.end, confidence: e.confidence, source: e.source })),
    hasSpeech: audio.hasAudio ? audio.hasSpeech : false,
    hasBackgroundMusic: audio.hasAudio ? audio.hasBackgroundMusic : false,
    dominantFrequencyHz: audio.dominantFrequencyHz,
    loudnessLufs: audio.integratedLufs,
    detectedObjects: visual.objects.map((o) => ({ object: o.object, confidence: o.confidence, bbox: o.bbox, time: o.time })),
    detectedActions: visual.actions,
    faces: visual.faces.boxes,
    faceCount: visual.faces.count,
    onScreenText: visual.onScreenText.map((l) => l.text).join("\n") || null,
    shots: visual.shots.map((s) => ({ start: s.start, end: s.end, kind: s.kind })),
    motionCurve: visual.motionCurve,
    perceptualHash: visual.fingerprint,
    duplicateOf: near[0]?.id ?? null,
    themeFailsAccidents: a.themes.fails_accidents,
    themeExtremeSports: a.themes.extreme_sports,
    themeComedy: a.themes.comedy,
    themeWholesome: a.themes.wholesome,
    themeInstantRegret: a.themes.instant_regret,
    themeTutorialFail: a.themes.tutorial_fail,
    themeAnimalAntics: a.themes.animal_antics,
    themeEpicWins: a.themes.epic_wins,
    scoreSources: a.scoreSources,
    absentSignals: [...visual.absent, ...audio.absent, ...(a.absent ?? [])],
    embeddingId: visual.embeddingModel ? `${fileHash.slice(0, 16)}:${visual.embeddingModel}` : null,
    thumbnailPath: visual.thumbnail.imagePath,
    framesCachePath: visual.keyframes[0]?.imagePath.replace(/\/[^/]+$/, "") ?? null,
    customMetadata: {
      ...(input.extra ?? {}),
      index_task_id: input.taskId,
      licence_origin: origin,
      face_consent: consent ? `${consent.cleared ? "given" : "refused"} (${consent.origin})` : null,
      safety: visual.safety ? { frames: visual.safety.frames, confirmed: visual.safety.confirmed, max_explicit: visual.safety.maxExplicit, max_suggestive: visual.safety.maxSuggestive, ...(visual.safety.gate ? { gate: visual.safety.gate } : {}) } : null,
      provenance: input.provenance ?? null,
      container_tags: probe.tags,
      motion_step_seconds: visual.motionStep,
      loudness_range_lu: audio.loudnessRange,
      true_peak_db: audio.truePeakDb,
      silences: audio.silences,
      speech_segments: audio.speechSegments,
      transcript_source: audio.transcriptSource,
      mean_luma: visual.meanLuma,
      black_ratio: visual.blackRatio,
      black_spans: visual.blackSpans,
      frozen_spans: visual.frozenSpans,
      cuts: visual.cuts,
      rotation: probe.rotation,
      sample_aspect_ratio: probe.sampleAspectRatio,
    },
    notes: input.notes ?? null,
  };
  const frames = visual.keyframes.map((k) => ({
    timeSeconds: k.time,
    reason: k.reason,
    imagePath: k.imagePath,
    embeddingModel: k.embedding ? (visual.embeddingModel ?? null) : null,
    embedding: k.embedding ? Buffer.from(new Float32Array(k.embedding).buffer) : null,
  }));
  // Two keyframes at the same instant (a shot start that is also a motion peak) keep the first.
  const uniqueFrames = frames.filter((f, i) => frames.findIndex((g) => g.timeSeconds === f.timeSeconds) === i);

  // The same bytes stored before (a re-index, a failed attempt, or this very step re-run after a
  // restore) are updated in place: one row per content, never a second one.
  const created = already ? await app.clips.saveAnalysis(already.id, { ...row, createdAt: already.createdAt }, tags, uniqueFrames) : await app.clips.create(row, tags, uniqueFrames);
  const allTags = (await app.clips.tags(created.id)).map((t) => t.tag);
  await app.searchIndex.upsert(created.id, buildDocument(created, allTags));
  for (const n of near) await app.clips.linkNearDuplicate(created.id, n.id, Math.round(n.similarity * 1000) / 1000);
  return { clipId: created.id, externalId: created.externalId, nearDuplicates: near.map((n) => ({ externalId: n.externalId, similarity: n.similarity })) };
}
