import { readdir, readFile, stat } from "node:fs/promises";
import { basename, extname, join, resolve } from "node:path";
import { CONSENT_COLUMNS, parseConsent } from "../compliance/faces.ts";
import { CLIP_SOURCES, type ClipSource } from "../db/enums.ts";

/** Extensions picked up when a folder is walked (explicitly named files are always taken). */
export const MEDIA_EXTENSIONS = new Set([".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".mpg", ".mpeg", ".ogv", ".ogg", ".ts", ".mts", ".flv", ".wmv", ".3gp"]);

/** Expands files and folders (recursively) into absolute file paths, sorted, without repeats. */
export async function discoverMediaFiles(inputs: string[]): Promise<{ files: string[]; missing: string[] }> {
  const files = new Set<string>();
  const missing: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name.startsWith(".")) continue;
      const p = join(dir, entry.name);
      if (entry.isDirectory()) await walk(p);
      else if (entry.isFile() && MEDIA_EXTENSIONS.has(extname(entry.name).toLowerCase())) files.add(p);
    }
  };
  for (const input of inputs) {
    const abs = resolve(input);
    const st = await stat(abs).catch(() => null);
    if (!st) missing.push(abs);
    else if (st.isDirectory()) await walk(abs);
    else files.add(abs);
  }
  return { files: [...files].sort(), missing };
}

/** Splits delimited text into rows, honouring "quoted ""fields""" as CSV does (TSV too). */
export function parseDelimited(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === "") quoted = true;
    else if (ch === delimiter) {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      if (row.some((c) => c !== "")) rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  row.push(field);
  if (row.some((c) => c !== "")) rows.push(row);
  return rows;
}

export interface ManifestEntry {
  file: string;
  license: string;
  /** Set when the sheet's source column holds one of the seed's sources. */
  source?: ClipSource;
  /** Provenance text (the source column when it is not one of the seed's sources). */
  provenance?: string;
  notes?: string;
  /** The consent / model_release column, when the sheet has one and it says yes or no. */
  consent?: boolean;
  /** Every other column, kept in custom_metadata. */
  extra: Record<string, string>;
}

/** A licence sheet that cannot be used: names the file, row and problem. */
export class ManifestError extends Error {
  constructor(path: string, problem: string) {
    super(`manifest ${path}: ${problem}`);
    this.name = "ManifestError";
  }
}

/**
 * Reads a TSV or CSV licence sheet with at least `file` and `license` columns (optional
 * `source`, `notes`). Entries are looked up by path relative to the sheet, then by base name.
 */
export async function readManifest(path: string): Promise<Map<string, ManifestEntry>> {
  const text = await readFile(path, "utf8").catch((e: NodeJS.ErrnoException) => {
    throw new ManifestError(path, e.code === "ENOENT" ? "file not found" : e.message);
  });
  const firstLine = text.split(/\r?\n/, 1)[0] ?? "";
  const delimiter = extname(path).toLowerCase() === ".tsv" || firstLine.includes("\t") ? "\t" : ",";
  const [header, ...rows] = parseDelimited(text, delimiter);
  if (!header) throw new ManifestError(path, "empty file");
  const cols = header.map((h) => h.trim().toLowerCase());
  const fi = cols.indexOf("file");
  const li = cols.indexOf("license") >= 0 ? cols.indexOf("license") : cols.indexOf("licence");
  if (fi < 0 || li < 0) throw new ManifestError(path, `needs "file" and "license" columns (found: ${cols.join(", ")})`);
  const out = new Map<string, ManifestEntry>();
  rows.forEach((r, n) => {
    const file = r[fi]?.trim();
    if (!file) throw new ManifestError(path, `row ${n + 2} has no file name`);
    const get = (name: string) => {
      const i = cols.indexOf(name);
      return i >= 0 ? r[i]?.trim() || undefined : undefined;
    };
    const src = get("source");
    for (const c of CONSENT_COLUMNS) {
      const v = get(c);
      if (v !== undefined && parseConsent(v) === undefined) throw new ManifestError(path, `row ${n + 2}: ${c} "${v}" is neither yes nor no`);
    }
    const extra: Record<string, string> = {};
    cols.forEach((c, i) => {
      if (!["file", "license", "licence", "source", "notes"].includes(c) && r[i]) extra[c] = r[i]!;
    });
    const entry: ManifestEntry = {
      file,
      license: r[li]?.trim() ?? "",
      source: CLIP_SOURCES.includes(src as ClipSource) ? (src as ClipSource) : undefined,
      provenance: src && !CLIP_SOURCES.includes(src as ClipSource) ? src : undefined,
      notes: get("notes"),
      consent: CONSENT_COLUMNS.map((c) => parseConsent(get(c))).find((v) => v !== undefined),
      extra,
    };
    out.set(file, entry);
    if (!out.has(basename(file))) out.set(basename(file), entry);
  });
  return out;
}

/** Finds a file's sheet entry by its path relative to the sheet's folder or its base name. */
export function lookupManifest(manifest: Map<string, ManifestEntry> | undefined, manifestDir: string, filePath: string): ManifestEntry | undefined {
  if (!manifest) return undefined;
  const rel = filePath.startsWith(`${manifestDir}/`) ? filePath.slice(manifestDir.length + 1) : undefined;
  return (rel && manifest.get(rel)) || manifest.get(basename(filePath));
}
