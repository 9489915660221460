/**
 * Review before render through the real processes: `produce --review` stops in awaiting_review;
 * the production survives a server restart in that state; the CLI edits the cut (an edit that
 * breaks QA is refused with the reasons and nothing is rendered); approving through the API of a
 * restarted server renders the edited order.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { indexedCorpus } from "./support/corpus.ts";
import { runCli, startServe } from "./support/cli.ts";

let env: Record<string, string>;
beforeAll(async () => {
  const { home } = await indexedCorpus();
  env = { REELSMITH_HOME: home, LOG_LEVEL: "warn" };
}, 600_000);

const getJson = async (url: string): Promise<any> => (await fetch(url)).json();

describe("review before render", () => {
  test("pause, survive a restart, refuse a QA-breaking edit, accept a reorder, approve, render the edited order", async () => {
    const r = await runCli(["produce", "--theme", "people talking", "--duration", "24", "--resolution", "360p", "--review", "--json"], env);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.status).toBe("awaiting_review");
    expect(doc.video_path).toBeNull();
    const id = doc.production_id as string;
    const dir = join(env.REELSMITH_HOME!, "productions", id);
    expect(existsSync(join(dir, `${id}-proxy.mp4`))).toBe(true);
    expect(readdirSync(dir).filter((f) => f === `${id}.mp4`)).toEqual([]);

    // A server comes and goes: the production is still waiting, with its cut.
    let serve = await startServe(env);
    const cleanup = () => serve.stop("SIGKILL");
    try {
      expect((await getJson(`${serve.url}/api/productions/${id}`)).status).toBe("awaiting_review");
      await serve.stop("SIGKILL");
      serve = await startServe(env);
      const review = await getJson(`${serve.url}/api/productions/${id}/timeline`);
      expect(review.status).toBe("awaiting_review");
      const before = review.timeline.entries.map((e: { externalId: string }) => e.externalId) as string[];
      expect(before.length).toBeGreaterThanOrEqual(2);

      // Removing all but one clip leaves the cut far short: refused, with QA's reasons.
      const removes = before.slice(1).flatMap(() => ["--remove", "1"]);
      const refused = await runCli(["productions", "edit", id, ...removes, "--json"], env);
      expect(refused.code).toBe(1);
      const why = JSON.parse(refused.stdout);
      expect(why.stored).toBe(false);
      expect(why.error.code).toBe("qa_failed");
      expect(why.qa.issues.map((i: { check: string }) => i.check)).toContain("duration");
      expect((await getJson(`${serve.url}/api/productions/${id}/timeline`)).timeline.entries.length).toBe(before.length);

      // Moving the last clip to the front is accepted (positions count from 1 in the CLI).
      const moved = await runCli(["productions", "edit", id, "--move", `${before.length}:1`, "--json"], env);
      expect(moved.code).toBe(0);
      const after = JSON.parse(moved.stdout);
      expect(after.qa.passed).toBe(true);
      const order = [before.at(-1)!, ...before.slice(0, -1)];
      expect(after.clips.map((c: { external_id: string }) => c.external_id)).toEqual(order);

      const ok = await fetch(`${serve.url}/api/productions/${id}/approve`, { method: "POST" });
      expect(ok.status).toBe(202);
      const end = Date.now() + 300_000;
      let p: any;
      do {
        await Bun.sleep(500);
        p = await getJson(`${serve.url}/api/productions/${id}`);
      } while (!["completed", "failed"].includes(p.status) && Date.now() < end);
      expect(p.error).toBeNull();
      expect(p.status).toBe("completed");
      expect(p.clips.map((c: { external_id: string }) => c.external_id)).toEqual(order);
      expect(Math.abs(p.final_duration - 24) / 24).toBeLessThanOrEqual(0.02);
      const shown = JSON.parse((await runCli(["productions", "show", id, "--json"], env)).stdout);
      expect(shown.status).toBe("completed");
    } finally {
      await cleanup();
    }
  }, 600_000);
});
