/** Outputs of the production steps that travel in the persisted snapshot (JSON only). */

export interface PickRef {
  clipId: string;
  externalId: string;
  score: number;
  relevance: number;
  moment?: { start: number; end: number };
  reason: string;
}

export interface CurationOutput {
  picks: PickRef[];
  runnersUp: PickRef[];
  excluded: { externalId: string; reason: string }[];
  query: string;
}

export interface RenderOutput {
  videoPath: string;
  durationSeconds: number;
  encoder: string;
  fallbackReason?: string;
  segmentsReused: number;
  loudness?: { input_i?: number; output_i?: number };
}

export interface FinishOutput {
  videoPath: string;
  thumbnails: { rule: string; path: string; clipExternalId: string }[];
  captionsPath: string;
  otioPath: string;
  edlPath: string;
  timelinePath: string;
}
