/**
 * Licence strings as stock libraries and repositories write them ("CC-BY-4.0", "CC BY 3.0",
 * "Public domain (NASA footage)", "CC0-1.0 (per file name; package Expat)") reduced to one
 * canonical id, and the decision whether that id is approved for use in productions.
 */

/** Canonical ids, most specific patterns first. The first licence named in the text wins. */
const PATTERNS: [RegExp, string][] = [
  [/^cc[\s_-]*0\b|^cc[\s_-]*zero|^creative commons zero/i, "CC0"],
  [/^cc[\s_-]*by[\s_-]*nc[\s_-]*nd|^creative commons attribution[\s-]*non[\s-]*commercial[\s-]*no[\s-]*deriv/i, "CC-BY-NC-ND"],
  [/^cc[\s_-]*by[\s_-]*nc[\s_-]*sa/i, "CC-BY-NC-SA"],
  [/^cc[\s_-]*by[\s_-]*nc|^creative commons attribution[\s-]*non[\s-]*commercial/i, "CC-BY-NC"],
  [/^cc[\s_-]*by[\s_-]*nd/i, "CC-BY-ND"],
  [/^cc[\s_-]*by[\s_-]*sa|^creative commons attribution[\s-]*share[\s-]*alike/i, "CC-BY-SA"],
  [/^cc[\s_-]*by\b|^creative commons attribution\b/i, "CC-BY"],
  [/^(public[\s_-]*domain|pd\b|pdm\b|us[\s-]public domain)/i, "public-domain"],
  // The Unlicense is a public-domain dedication with a fallback licence, so it counts as one.
  [/^unlicen[sc]e\b|^the unlicen[sc]e/i, "public-domain"],
  [/^proprietary[\s_-]*cleared|^cleared\b|^licensed[\s_-]*cleared/i, "proprietary-cleared"],
  [/^(mit|expat)\b/i, "MIT"],
  [/^apache/i, "Apache-2.0"],
  [/^bsd/i, "BSD"],
  [/^lgpl/i, "LGPL"],
  [/^gpl/i, "GPL"],
  [/^pexels/i, "Pexels"],
  [/^unknown|^rights unknown|^n\/?a\b|^none\b/i, "unknown"],
];

/** Reduces a licence text to a canonical id (or "other:<text>" when unrecognised). */
export function normaliseLicense(text: string | null | undefined): string {
  const t = (text ?? "").trim();
  if (!t) return "unknown";
  // The licence of the footage comes first; notes in parentheses or after ";" describe sources.
  const head = t.split(/[;(]/)[0]!.trim().replace(/_/g, "-");
  for (const [re, id] of PATTERNS) if (re.test(head)) return id;
  return `other:${head.slice(0, 60)}`;
}

export interface RightsVerdict {
  license: string;
  cleared: boolean;
  reason: string;
}

/** Decides rights from the licence text against the approved list (canonical ids). */
export function decideRights(licenseText: string | null | undefined, approved: string[]): RightsVerdict {
  const license = normaliseLicense(licenseText);
  const approvedIds = new Set(approved.map((a) => normaliseLicense(a)));
  if (license === "unknown") return { license, cleared: false, reason: "licence unknown: no licence given or found for this clip" };
  if (approvedIds.has(license)) return { license, cleared: true, reason: `licence ${license} is approved` };
  return {
    license,
    cleared: false,
    reason: `licence ${license.replace(/^other:/, "")} is not in the approved list (${[...approvedIds].join(", ")})`,
  };
}

/** Licences that require naming the author: the attribution is kept and written into descriptions. */
export function requiresAttribution(license: string): boolean {
  return license.startsWith("CC-BY");
}
