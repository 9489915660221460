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

/** The clip's path without its extension: sidecars sit at `<stem>.json` or `<clip>.json`. */
export const stem = (p: string) => join(dirname(p), basename(p, extname(p)));

/** A sidecar's text, or null when there is none. */
export async function text(path: string): Promise<string | null> {
  return readFile(path, "utf8").catch(() => null);
}

/** The last alternative of an XMP element's value (rdf:Alt/rdf:li), or its attribute form. */
function xmpValue(xml: string, tag: string): string | undefined {
  const attr = new RegExp(`${tag}="([^"]+)"`).exec(xml)?.[1];
  if (attr) return attr;
  const el = new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`).exec(xml)?.[1];
  if (!el) return undefined;
  const li = [...el.matchAll(/<rdf:li[^>]*>([\s\S]*?)<\/rdf:li>/g)].map((m) => m[1]!.trim()).filter(Boolean);
  const v = (li[0] ?? el.replace(/<[^>]+>/g, " ")).replace(/\s+/g, " ").trim();
  return v || undefined;
}

export async function readSidecarLicense(clipPath: string): Promise<SidecarLicense | null> {
  for (const file of [`${stem(clipPath)}.json`, `${clipPath}.json`]) {
    const raw = await text(file);
    if (raw === null) continue;
    try {
      const doc = JSON.parse(raw) as Record<string, unknown>;
      const license = [doc.license, doc.licence, doc.rights].find((v): v is string => typeof v === "string" && v.trim() !== "");
      const attribution = [doc.attribution, doc.author, doc.creator].find((v): v is string => typeof v === "string" && v.trim() !== "");
      if (license) return { license: license.trim(), ...(attribution ? { attribution: attribution.trim() } : {}), file };
    } catch {
      // A sidecar that is not JSON says nothing about rights.
    }
  }
  for (const file of [`${stem(clipPath)}.txt`, `${clipPath}.txt`]) {
    const raw = await text(file);
    if (raw === null) continue;
    const license = /^\s*licen[cs]e\s*[:=]\s*(.+)$/im.exec(raw)?.[1]?.trim();
    const attribution = /^\s*(attribution|author|credit)\s*[:=]\s*(.+)$/im.exec(raw)?.[2]?.trim();
    if (license) return { license, ...(attribution ? { attribution } : {}), file };
  }
  for (const file of [`${stem(clipPath)}.xmp`, `${clipPath}.xmp`]) {
    const xml = await text(file);
    if (xml === null) continue;
    const license = xmpValue(xml, "cc:license") ?? xmpValue(xml, "xmpRights:UsageTerms") ?? xmpValue(xml, "dc:rights");
    const attribution = xmpValue(xml, "cc:attributionName") ?? xmpValue(xml, "dc:creator");
    if (license) return { license, ...(attribution ? { attribution } : {}), file };
  }
  return null;
}

/** A licence named inside free text ("Licensed under CC BY 4.0", "released to the public domain"). */
export function licenseInText(text: string | undefined): string | undefined {
  const m = /\b(CC[- ]?BY(?:[- ](?:SA|NC|ND))*(?:[- ]\d\.\d)?|CC0(?:[- ]1\.0)?|public[- ]domain|proprietary[- ]cleared)\b/i.exec(text ?? "");
  return m?.[1];
}
