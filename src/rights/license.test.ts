import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { DEFAULT_APPROVED_LICENSES } from "../config.ts";
import { decideRights, normaliseLicense } from "./license.ts";

test("spellings of the same licence normalise to one id", () => {
  for (const s of ["CC-BY-4.0", "CC BY 3.0", "cc-by", "CC_BY_4.0", "Creative Commons Attribution 4.0"]) expect(normaliseLicense(s)).toBe("CC-BY");
  for (const s of ["CC0-1.0 (per file name; package Expat)", "CC0", "cc0 1.0"]) expect(normaliseLicense(s)).toBe("CC0");
  expect(normaliseLicense("CC-BY-SA-3.0 (GNOME documentation)")).toBe("CC-BY-SA");
  expect(normaliseLicense("Public domain (NASA footage of Orbital ATK OA-4 launch); Debian package Expat")).toBe("public-domain");
  expect(normaliseLicense("Unlicense (public domain dedication)")).toBe("public-domain");
  expect(normaliseLicense("proprietary-cleared")).toBe("proprietary-cleared");
  expect(normaliseLicense("")).toBe("unknown");
  expect(normaliseLicense("Wikimedia Commons free license (exact CC variant not recorded)")).toBe("other:Wikimedia Commons free license");
});

test("the corpus manifest: only clearly licensed clips are cleared, each verdict has a reason", () => {
  const rows = readFileSync(`${import.meta.dir}/../../../shared/corpus/clips/MANIFEST.tsv`, "utf8").trim().split("\n").slice(1);
  const verdicts = Object.fromEntries(
    rows.map((r) => {
      const cols = r.split("\t");
      return [cols[0]!, decideRights(cols[2], [...DEFAULT_APPROVED_LICENSES])];
    }),
  );
  expect(verdicts["blender_bbb_bunny_5s.mp4"]!.cleared).toBe(true);
  expect(verdicts["mdn_flower_blooming_timelapse.mp4"]!.cleared).toBe(true);
  expect(verdicts["nasa_rocket_launch_oa4.webm"]!.cleared).toBe(true);
  expect(verdicts["kinetics_arm_wrestling.mp4"]!.cleared).toBe(false);
  expect(verdicts["kinetics_arm_wrestling.mp4"]!.reason).toContain("Apache-2.0");
  expect(verdicts["pexels_squirrel_on_table.mp4"]!.cleared).toBe(false);
  expect(verdicts["ntu_two_men_hug.mp4"]!.cleared).toBe(false);
  expect(verdicts["gnome_help_dual_monitor_animation.webm"]!.cleared).toBe(false);
  expect(verdicts["wikimedia_lightning_slowmo_night.ogv"]!.cleared).toBe(false);
  const cleared = Object.values(verdicts).filter((v) => v.cleared).length;
  expect(cleared).toBeGreaterThan(15);
  expect(cleared).toBeLessThan(rows.length);
  for (const v of Object.values(verdicts)) expect(v.reason.length).toBeGreaterThan(10);
});
