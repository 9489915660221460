/**
 * Whisper's log-mel input features, computed exactly as transformers' WhisperFeatureExtractor
 * (numpy path) does: 16 kHz audio zero-padded or cut to 30 s, centred STFT (reflect padding of
 * n_fft/2, periodic Hann window of 400, hop 160), power spectrum, Slaney-normalised Slaney-scale
 * mel filters (0..8000 Hz), log10 of max(x, 1e-10), the last frame dropped (3000 frames), clamped
 * to max − 8, then (x + 4) / 4. The 400-point DFT is an exact mixed-radix FFT (400 = 2⁴ · 25):
 * a radix-2 FFT of a 512-padded frame would give other frequency bins than Whisper's.
 */

export const SAMPLE_RATE = 16000;
export const N_FFT = 400;
export const HOP = 160;
export const CHUNK_SECONDS = 30;
export const N_SAMPLES = SAMPLE_RATE * CHUNK_SECONDS; // 480000
export const N_FRAMES = N_SAMPLES / HOP; // 3000
const N_BINS = N_FFT / 2 + 1; // 201

/** Slaney's mel scale (librosa htk=False): linear below 1 kHz, logarithmic above. */
export function hzToMel(f: number): number {
  return f < 1000 ? (3 * f) / 200 : 15 + (27 * Math.log(f / 1000)) / Math.log(6.4);
}

export function melToHz(m: number): number {
  return m < 15 ? (200 * m) / 3 : 1000 * Math.exp((Math.log(6.4) * (m - 15)) / 27);
}

/**
 * Triangular mel filters [nMels][nBins] with Slaney area normalisation (2 / (f[i+2] − f[i])),
 * as librosa.filters.mel(sr, n_fft, n_mels, fmin=0, fmax=sr/2, htk=False, norm="slaney").
 */
export function melFilterBank(nMels = 80, nFft = N_FFT, sampleRate = SAMPLE_RATE, fMin = 0, fMax = sampleRate / 2): Float32Array[] {
  const nBins = nFft / 2 + 1;
  const mMin = hzToMel(fMin);
  const mMax = hzToMel(fMax);
  const f = Array.from({ length: nMels + 2 }, (_, i) => melToHz(mMin + ((mMax - mMin) * i) / (nMels + 1)));
  const fftFreqs = Array.from({ length: nBins }, (_, k) => ((sampleRate / 2) * k) / (nBins - 1));
  return Array.from({ length: nMels }, (_, m) => {
    const row = new Float32Array(nBins);
    const enorm = 2 / (f[m + 2]! - f[m]!);
    for (let k = 0; k < nBins; k++) {
      const down = (fftFreqs[k]! - f[m]!) / (f[m + 1]! - f[m]!);
      const up = (f[m + 2]! - fftFreqs[k]!) / (f[m + 2]! - f[m + 1]!);
      row[k] = Math.max(0, Math.min(down, up)) * enorm;
    }
    return row;
  });
}

/** Exact FFT of real input for n = 2^a · b (b odd, done as a direct DFT), twiddles precomputed. */
export class RealFft {
  readonly cos: Float64Array;
  readonly sin: Float64Array;
  readonly re: Float64Array;
  readonly im: Float64Array;
  constructor(readonly n: number) {
    this.cos = new Float64Array(n);
    this.sin = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / n);
      this.sin[k] = -Math.sin((2 * Math.PI * k) / n);
    }
    this.re = new Float64Array(n);
    this.im = new Float64Array(n);
  }

  /** Transforms `input` (length n, read from `off`); the spectrum is left in this.re / this.im. */
  run(input: Float64Array): void {
    this.rec(input, 0, 1, this.n, 0);
  }

  private rec(x: Float64Array, inOff: number, stride: number, n: number, outOff: number): void {
    const { re, im, cos, sin } = this;
    const step = this.n / n; // twiddle w_n^k = table[k * step]
    if (n % 2 !== 0) {
      for (let k = 0; k < n; k++) {
        let sr = 0;
        let si = 0;
        for (let j = 0; j < n; j++) {
          const t = ((j * k) % n) * step;
          const v = x[inOff + j * stride]!;
          sr += v * cos[t]!;
          si += v * sin[t]!;
        }
        re[outOff + k] = sr;
        im[outOff + k] = si;
      }
      return;
    }
    const h = n / 2;
    this.rec(x, inOff, stride * 2, h, outOff);
    this.rec(x, inOff + stride, stride * 2, h, outOff + h);
    for (let k = 0; k < h; k++) {
      const wr = cos[k * step]!;
      const wi = sin[k * step]!;
      const br = re[outOff + h + k]!;
      const bi = im[outOff + h + k]!;
      const tr = br * wr - bi * wi;
      const ti = br * wi + bi * wr;
      const ar = re[outOff + k]!;
      const ai = im[outOff + k]!;
      re[outOff + k] = ar + tr;
      im[outOff + k] = ai + ti;
      re[outOff + h + k] = ar - tr;
      im[outOff + h + k] = ai - ti;
    }
  }
}

/** Reusable extractor: filters, window, FFT plan and buffers are built once. */
export class LogMelExtractor {
  readonly filters: Float32Array[];
  private readonly window: Float64Array;
  private readonly fft = new RealFft(N_FFT);
  private readonly frame = new Float64Array(N_FFT);
  private readonly power = new Float64Array(N_BINS);
  private readonly padded = new Float64Array(N_SAMPLES + N_FFT);
  /** Each filter's non-zero bins [lo, hi): a triangle covers a few bins, so the product stays sparse. */
  private readonly ranges: [number, number][];

  constructor(readonly nMels = 80) {
    this.filters = melFilterBank(nMels);
    this.ranges = this.filters.map((f) => {
      let lo = f.findIndex((v) => v > 0);
      if (lo < 0) lo = 0;
      let hi = f.length;
      while (hi > lo && f[hi - 1] === 0) hi--;
      return [lo, hi];
    });
    // Periodic Hann (np.hanning(n + 1)[:-1]), as transformers' window_function(400, "hann").
    this.window = Float64Array.from({ length: N_FFT }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N_FFT));
  }

  /** Features [nMels × 3000] (row-major) of one window of up to 30 s of 16 kHz audio. */
  extract(pcm: Float32Array): Float32Array {
    const half = N_FFT / 2;
    const p = this.padded;
    p.fill(0);
    const n = Math.min(pcm.length, N_SAMPLES);
    for (let i = 0; i < n; i++) p[half + i] = pcm[i]!;
    // Reflect padding (numpy "reflect": the edge sample is not repeated) of the 480000-sample signal.
    for (let i = 1; i <= half; i++) {
      p[half - i] = p[half + i]!;
      p[half + N_SAMPLES - 1 + i] = p[half + N_SAMPLES - 1 - i]!;
    }
    const out = new Float32Array(this.nMels * N_FRAMES);
    let max = -Infinity;
    for (let t = 0; t < N_FRAMES; t++) {
      const start = t * HOP;
      for (let i = 0; i < N_FFT; i++) this.frame[i] = p[start + i]! * this.window[i]!;
      this.fft.run(this.frame);
      for (let k = 0; k < N_BINS; k++) this.power[k] = this.fft.re[k]! ** 2 + this.fft.im[k]! ** 2;
      for (let m = 0; m < this.nMels; m++) {
        const f = this.filters[m]!;
        const [lo, hi] = this.ranges[m]!;
        let s = 0;
        for (let k = lo; k < hi; k++) s += f[k]! * this.power[k]!;
        const v = Math.log10(Math.max(s, 1e-10));
        out[m * N_FRAMES + t] = v;
        if (v > max) max = v;
      }
    }
    const floor = max - 8;
    for (let i = 0; i < out.length; i++) out[i] = (Math.max(out[i]!, floor) + 4) / 4;
    return out;
  }
}

/** Splits audio into consecutive 30 s windows (the last one shorter); at least one window. */
export function chunk30s(pcm: Float32Array): { offset: number; pcm: Float32Array }[] {
  const out: { offset: number; pcm: Float32Array }[] = [];
  for (let s = 0; s === 0 || s < pcm.length; s += N_SAMPLES) out.push({ offset: s / SAMPLE_RATE, pcm: pcm.subarray(s, s + N_SAMPLES) });
  return out;
}
