/**
 * Licences written beside a clip, as stock libraries and cameras leave them: `<clip>.json`
 * ({"license": "...", "attribution": "..."} or "licence"/"rights"/"author"), `<clip>.txt`
 * ("License: CC-BY-4.0" and "Attribution: …" lines) or an XMP sidecar `<clip>.xmp`
 * (xmpRights:UsageTerms, cc:license, dc:rights; dc:creator as the attribution). The first found wins.
 */
import { readFile } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";

export interface SidecarLicense {
  license: string;
  attribution?: string;
  /** Which file said so. */
  file: string;
}

const stem = (p: string) => join(dirname(p), basename(p, extname(p)));

export interface Sidecar {
  kind: "json" | "txt" | "xmp";
  /** Which file it is. */
  file: string;
  raw: string;
  /** A JSON sidecar's object; null when the file is not a JSON object (it then says nothing). */
  json: Record<string, unknown> | null;
}

/**
 * The sidecars beside a clip, read once, in the order they are believed: JSON, then text, then
 * XMP, each as `<stem>.ext` before `<clip>.ext`. Licence and consent are both read from these.
 */
export async function readSidecars(clipPath: string): Promise<Sidecar[]> {
  const found: Sidecar[] = [];
  for (const kind of ["json", "txt", "xmp"] as const) {
    for (const file of [`${stem(clipPath)}.${kind}`, `${clipPath}.${kind}`]) {
      const raw = await readFile(file, "utf8").catch(() => null);
      if (raw !== null) found.push({ kind, file, raw, json: kind === "json" ? jsonObject(raw) : null });
    }
  }
  return found;
}

function jsonObject(raw: string): Record<string, unknown> | null {
  try {
    const doc: unknown = JSON.parse(raw);
    return doc && typeof doc === "object" && !Array.isArray(doc) ? (doc as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The last alternative of an XMP element's value (rdf:Alt/rdf:li), or its attribute form. */
export function xmpValue(xml: string, tag: string): string | undefined {
  const attr = new RegExp(`${tag}="([^"]+)"`).exec(xml)?.[1];
  if (attr) return attr;
  const el = new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`).exec(xml)?.[1];
  if (!el) return undefined;
  const li = [...el.matchAll(/<rdf:li[^>]*>([\s\S]*?)<\/rdf:li>/g)].map((m) => m[1]!.trim()).filter(Boolean);
  const v = (li[0] ?? el.replace(/<[^>]+>/g, " ")).replace(/\s+/g, " ").trim();
  return v || undefined;
}

/** The licence the first sidecar names (with its attribution), or null when none does. */
export function sidecarLicense(sidecars: Sidecar[]): SidecarLicense | null {
  const firstString = (doc: Record<string, unknown>, keys: string[]) => keys.map((k) => doc[k]).find((v): v is string => typeof v === "string" && v.trim() !== "")?.trim();
  for (const { kind, file, raw, json } of sidecars) {
    let license: string | undefined;
    let attribution: string | undefined;
    if (kind === "json") {
      if (!json) continue;
      license = firstString(json, ["license", "licence", "rights"]);
      attribution = firstString(json, ["attribution", "author", "creator"]);
    } else if (kind === "txt") {
      license = /^\s*licen[cs]e\s*[:=]\s*(.+)$/im.exec(raw)?.[1]?.trim();
      attribution = /^\s*(attribution|author|credit)\s*[:=]\s*(.+)$/im.exec(raw)?.[2]?.trim();
    } else {
      license = xmpValue(raw, "cc:license") ?? xmpValue(raw, "xmpRights:UsageTerms") ?? xmpValue(raw, "dc:rights");
      attribution = xmpValue(raw, "cc:attributionName") ?? xmpValue(raw, "dc:creator");
    }
    if (license) return { license, ...(attribution ? { attribution } : {}), file };
  }
  return null;
}

/** A licence named inside free text ("Licensed under CC BY 4.0", "released to the public domain"). */
export function licenseInText(text: string | undefined): string | undefined {
  const m = /\b(CC[- ]?BY(?:[- ](?:SA|NC|ND))*(?:[- ]\d\.\d)?|CC0(?:[- ]1\.0)?|public[- ]domain|proprietary[- ]cleared)\b/i.exec(text ?? "");
  return m?.[1];
}
