/**
 * The project's test command (`npm test`): runs `bun test` over the whole suite and ends with
 * one plain summary line ("tests: N passed, N failed, N skipped") that CI can read.
 */
// Media tests run real ffmpeg on real clips: 5 s (bun's default per test) is too tight on 2 cores.
const args = ["--timeout", "300000", ...process.argv.slice(2)];
const proc = Bun.spawn([process.execPath, "test", ...args], { stdout: "pipe", stderr: "pipe", env: process.env });
let tail = "";
async function pump(stream: ReadableStream<Uint8Array>, out: NodeJS.WriteStream) {
  const dec = new TextDecoder();
  for await (const chunk of stream) {
    out.write(chunk);
    tail = (tail + dec.decode(chunk, { stream: true })).slice(-4000);
  }
}
await Promise.all([pump(proc.stdout, process.stdout), pump(proc.stderr, process.stderr)]);
const code = await proc.exited;
const count = (word: string) => Number(tail.match(new RegExp(`^\\s*(\\d+) ${word}$`, "m"))?.[1] ?? 0);
const passed = count("pass");
const failed = count("fail");
const skipped = count("skip");
process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exit(code !== 0 ? code : passed === 0 ? 1 : 0);
export {};
