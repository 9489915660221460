/**
 * The audio pass: one decode (./decode.ts), then loudness, silences, speech (Silero VAD),
 * background music (./music.ts), dominant frequency, sound events (./events.ts) and the
 * transcript of the speech only (./speech-audio.ts). Each sound event names its detector.
 */
import type { FfmpegProgress } from "../../media/exec.ts";
import type { ProbeResult } from "../../media/probe.ts";
import { createTranscriber, type Transcriber } from "../../inference/transcribe.ts";
import { createVad, defaultVadModelPath, peakProbability, type Vad } from "../../inference/vad.ts";
import type { AudioAnalysis, SoundEvent, TimeRange } from "../types.ts";
import { decodeAudio, PCM_RATE } from "./decode.ts";
import { detectCrowd, detectImpacts, detectScreams } from "./events.ts";
import { detectMusic } from "./music.ts";
import { dominantFrequency, spectralFrames } from "./spectral.ts";
import { joinPieces, speechPieces, wordsToClipTime } from "./speech-audio.ts";

export interface AudioProgress {
  stage: "decode" | "speech" | "features" | "transcribe" | "done";
  /** 0–100 over the whole pass (decode is the first 60%). */
  percent: number;
}

export interface AudioOptions {
  ffmpegPath?: string;
  /** Where optional models live (a Whisper export is looked for here). */
  modelsDir?: string;
  signal?: AbortSignal;
  onProgress?: (p: AudioProgress) => void;
  /** Engines shared across clips; loaded once per process from defaults/modelsDir when left out. */
  vad?: Vad | { absent: string };
  transcriber?: Transcriber | { absent: string };
}

/**
 * Silero also fires on music, thunder and cartoon voices: on the corpus such segments peak at
 * 0.78–0.88 (Steamboat Willie, lightning storm) while real speech peaks at 0.96 (1940 film) to 1.0.
 */
export const SPEECH_PEAK = 0.9;
/** Less than this much speech in a clip is a stray vocalisation, not talking. */
export const MIN_SPEECH_SECONDS = 0.6;
/** Integrated loudness at or below this is a muted track (ebur128 reports −70 for digital silence). */
export const SILENT_TRACK_LUFS = -60;

const transcribers = new Map<string, ReturnType<typeof createTranscriber>>();

/** The VAD and recogniser, loaded once per models dir and reused for every clip. */
export async function loadAudioEngines(modelsDir?: string): Promise<{ vad: Vad | { absent: string }; transcriber: Transcriber | { absent: string }; notes: AudioAnalysis["absent"] }> {
  const key = modelsDir ?? "";
  let t = transcribers.get(key);
  if (!t) {
    t = createTranscriber(modelsDir);
    transcribers.set(key, t);
  }
  const { transcriber, notes } = await t; // createTranscriber is async (Whisper sessions); the promise is what is cached
  return { vad: await createVad(defaultVadModelPath()), transcriber, notes };
}

/** The analysis of a clip without an audio stream: every signal absent, with the reason. */
export function noAudio(): AudioAnalysis {
  return {
    hasAudio: false, integratedLufs: null, loudnessRange: null, truePeakDb: null, loudnessCurve: [], silences: [], hasSpeech: false,
    speechSegments: [], hasBackgroundMusic: false, dominantFrequencyHz: null, soundEvents: [], transcript: "", words: [], transcriptSource: null,
    absent: [{ signal: "audio", reason: "no audio stream in the file" }],
  };
}

/** Analyses a clip's audio; a clip without an audio stream gets an analysis that says so. */
export async function analyseAudio(path: string, probe: ProbeResult, opts: AudioOptions = {}): Promise<AudioAnalysis> {
  if (!probe.hasAudio) return noAudio();
  const progress = (stage: AudioProgress["stage"], percent: number) => opts.onProgress?.({ stage, percent: Math.round(percent) });
  const engines = opts.vad && opts.transcriber ? null : await loadAudioEngines(opts.modelsDir);
  const vad = opts.vad ?? engines!.vad;
  const transcriber = opts.transcriber ?? engines!.transcriber;
  const absent: AudioAnalysis["absent"] = [...(engines?.notes ?? [])];
  const { pcm, report } = await decodeAudio(path, probe.durationSeconds, {
    ffmpegPath: opts.ffmpegPath,
    signal: opts.signal,
    onProgress: (p: FfmpegProgress) => progress("decode", (p.percent ?? 0) * 0.6),
  });
  const duration = pcm.length / PCM_RATE;
  const silentTrack = report.integrated === null || report.integrated <= SILENT_TRACK_LUFS;
  progress("speech", 60);
  let speech: TimeRange[] = [];
  if (silentTrack) {
    // Nothing to hear: skip the models, and say so once rather than report five empty signals.
  } else if ("speechProbabilities" in vad) {
    const probs = await vad.speechProbabilities(pcm);
    speech = vad.segments(probs).filter((s) => peakProbability(probs, s) >= SPEECH_PEAK);
  } else absent.push({ signal: "has_speech", reason: vad.absent });
  opts.signal?.throwIfAborted();
  progress("features", 70);
  const speechSeconds = speech.reduce((a, s) => a + s.end - s.start, 0);
  const hasSpeech = speechSeconds >= MIN_SPEECH_SECONDS;
  if (!hasSpeech) speech = [];
  const { frames, avgSpectrum, windows } = spectralFrames(pcm, PCM_RATE, speech);
  const music = silentTrack ? null : detectMusic(frames, windows, speech);
  const events: SoundEvent[] = [];
  if (!silentTrack) {
    events.push(...detectImpacts(frames, speech), ...detectScreams(frames, speech), ...detectCrowd(frames));
    for (const s of speech) events.push({ event: "speech", ...s, confidence: 0.9, source: "model:silero-vad" });
    const musicConfidence = music ? Math.min(1, Math.max(music.tonalShare, music.rhythm)) : 0;
    for (const s of music?.spans ?? []) events.push({ event: "music", ...s, confidence: Math.round(musicConfidence * 100) / 100, source: "rule:tonal-lines-or-beat" });
    absent.push({ signal: "laughter", reason: "no laughter model can be had here and no rule separates it from speech reliably" });
    absent.push({ signal: "applause", reason: "applause and cheering match the same broadband rule; reported as cheering" });
  }
  events.sort((a, b) => a.start - b.start);
  progress("transcribe", 80);
  let transcript = "";
  let words: AudioAnalysis["words"] = [];
  let transcriptSource: string | null = null;
  if (hasSpeech) {
    if ("transcribe" in transcriber) {
      // Only the speech is transcribed: the recogniser is the slowest step of the pass.
      const pieces = speechPieces(speech, duration);
      const r = await transcriber.transcribe(joinPieces(pcm, PCM_RATE, pieces), opts.signal);
      transcript = r.text;
      words = wordsToClipTime(r.words, pieces);
      transcriptSource = transcriber.name;
    } else absent.push({ signal: "audio_transcript", reason: transcriber.absent });
  }
  progress("done", 100);
  return {
    hasAudio: true,
    integratedLufs: report.integrated,
    loudnessRange: report.range,
    truePeakDb: report.truePeak,
    loudnessCurve: report.shortTerm,
    silences: report.silences,
    hasSpeech,
    speechSegments: speech,
    hasBackgroundMusic: music?.has ?? false,
    dominantFrequencyHz: silentTrack ? null : dominantFrequency(avgSpectrum, PCM_RATE),
    soundEvents: events,
    transcript,
    words,
    transcriptSource,
    absent: silentTrack ? [...absent, { signal: "audio_content", reason: `the audio track is silent (integrated loudness ${report.integrated ?? "unmeasurable"} LUFS)` }] : absent,
  };
}
