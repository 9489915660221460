/** The stderr parsers, on text captured from ffmpeg 5.1 running our filter graph on corpus clips. */
import { expect, test } from "bun:test";
import { parseLoudness } from "./loudness.ts";

// moviepy_airplane_field_outdoor.mp4 (digital silence from 4.6 s), lines kept in their real order.
const AIRPLANE = `[Parsed_ebur128_1 @ 0x5641e4fa35c0] t: 0.0999773  TARGET:-23 LUFS    M:-120.7 S:-120.7     I: -70.0 LUFS       LRA:   0.0 LU  FTPK: -21.7 -19.1 dBFS  TPK: -21.7 -19.1 dBFS
[Parsed_ebur128_1 @ 0x5641e4fa35c0] t: 0.199977   TARGET:-23 LUFS    M:-120.7 S:-120.7     I: -70.0 LUFS       LRA:   0.0 LU  FTPK: -23.4 -20.1 dBFS  TPK: -21.7 -19.1 dBFS
[Parsed_ebur128_1 @ 0x5641e4fa35c0] t: 0.399977   TARGET:-23 LUFS    M: -30.1 S:-120.7     I: -30.1 LUFS       LRA:   0.0 LU  FTPK: -24.0 -20.9 dBFS  TPK: -21.7 -19.1 dBFS
[Parsed_ebur128_1 @ 0x5641e4fa35c0] t: 2.99998    TARGET:-23 LUFS    M: -32.6 S: -28.7     I: -28.5 LUFS       LRA:  20.0 LU  FTPK: -23.8 -27.8 dBFS  TPK: -16.5 -16.1 dBFS
[Parsed_ebur128_1 @ 0x5641e4fa35c0] t: 3.09998    TARGET:-23 LUFS    M: -33.4 S: -28.8     I: -28.6 LUFS       LRA:  20.1 LU  FTPK: -26.8 -24.8 dBFS  TPK: -16.5 -16.1 dBFS
[Parsed_ebur128_1 @ 0x5641e4fa35c0] t: 3.29998    TARGET:-23 LUFS    M: -34.6 S: -28.9     I: -28.8 LUFS       LRA:  20.1 LU  FTPK: -28.1 -29.3 dBFS  TPK: -16.5 -16.1 dBFS
[Parsed_ebur128_1 @ 0x5641e4fa35c0] t: 5.19998    TARGET:-23 LUFS    M:-165.1 S: -34.0     I: -30.2 LUFS       LRA:   4.4 LU  FTPK:  -inf  -inf dBFS  TPK: -16.5 -16.1 dBFS
[silencedetect @ 0x5641e4fa9d80] silence_start: 4.62739
[Parsed_ebur128_1 @ 0x5641e4fa35c0] t: 7.69998    TARGET:-23 LUFS    M:-165.1 S:   nan     I: -30.2 LUFS       LRA:  17.3 LU  FTPK:  -inf  -inf dBFS  TPK: -16.5 -16.1 dBFS
size=     702kB time=00:00:11.23 bitrate= 512.0kbits/s speed= 186x
video:0kB audio:702kB subtitle:0kB other streams:0kB global headers:0kB muxing overhead: 0.000000%
[silencedetect @ 0x5641e4fa9d80] silence_end: 11.2337 | silence_duration: 6.60633
[Parsed_ebur128_1 @ 0x5641e4fa35c0] Summary:

  Integrated loudness:
    I:         -30.2 LUFS
    Threshold: -40.5 LUFS

  Loudness range:
    LRA:        17.3 LU
    Threshold: -52.7 LUFS
    LRA low:   -46.2 LUFS
    LRA high:  -28.9 LUFS

  True peak:
    Peak:      -16.1 dBFS
`;

// pexels_squirrel_on_table.mp4: an all-zero track. ebur128 reports −70 and a −inf peak; ffmpeg
// prints a first, empty summary when it re-configures the graph, so the last one is the one.
const MUTED_SUMMARY = `[Parsed_ebur128_1 @ 0x55e0cc6453c0] Summary:

  Integrated loudness:
    I:         -70.0 LUFS
    Threshold:   0.0 LUFS
[silencedetect @ 0x55e0cc659300] silence_start: 0
[silencedetect @ 0x55e0cc659300] silence_end: 10.0053 | silence_duration: 10.0053
[Parsed_ebur128_1 @ 0x55e0cc6e3040] Summary:

  Integrated loudness:
    I:         -70.0 LUFS
    Threshold:   0.0 LUFS

  Loudness range:
    LRA:         0.0 LU
    Threshold:   0.0 LUFS
    LRA low:     0.0 LUFS
    LRA high:    0.0 LUFS

  True peak:
    Peak:       -inf dBFS
`;

test("summary, short-term curve (0.25 s steps, −120.7 and nan floored) and silences from real output", () => {
  const r = parseLoudness(AIRPLANE, 11.26);
  expect([r.integrated, r.range, r.truePeak]).toEqual([-30.2, 17.3, -16.1]);
  expect(r.shortTerm).toEqual([
    { time: 0.1, lufs: -70 },
    { time: 0.4, lufs: -70 },
    { time: 3, lufs: -28.7 },
    { time: 3.3, lufs: -28.9 },
    { time: 5.2, lufs: -34 },
    { time: 7.7, lufs: -70 },
  ]);
  expect(r.silences).toEqual([{ start: 4.627, end: 11.234 }]);
});

test("a muted track: −70 LUFS, no true peak, the whole clip silent", () => {
  const r = parseLoudness(MUTED_SUMMARY, 10.05);
  expect([r.integrated, r.range, r.truePeak]).toEqual([-70, 0, null]);
  expect(r.silences).toEqual([{ start: 0, end: 10.005 }]);
  // A silence still open when the stream ends runs to the end of the clip.
  expect(parseLoudness("[silencedetect @ 0x1] silence_start: 8.5\n", 10.05).silences).toEqual([{ start: 8.5, end: 10.05 }]);
});

test("no ebur128 summary (stream ended early): loudness unknown, not zero", () => {
  const r = parseLoudness("[silencedetect @ 0x1] silence_start: 1.5\n[silencedetect @ 0x1] silence_end: 3.25 | silence_duration: 1.75\n", 5);
  expect([r.integrated, r.range, r.truePeak, r.shortTerm.length]).toEqual([null, null, null, 0]);
  expect(r.silences).toEqual([{ start: 1.5, end: 3.25 }]);
});
