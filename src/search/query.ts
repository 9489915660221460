/**
 * Query understanding for lexical search: a typed query becomes words, "quoted phrases" and
 * -negated words; each word or phrase is one concept whose alternatives come from a term
 * expander (WordNet); the concepts then become a SQLite FTS5 MATCH expression or a PostgreSQL
 * to_tsquery expression. Every term is reduced to letters and digits and quoted before it
 * reaches either engine, so nothing a user types (", *, NEAR, -, :, ', \, &, |) is syntax.
 */
import type { ExpandOptions, Relation, TermExpander } from "./wordnet/index.ts";

export interface ParsedQuery {
  /** Single words (or hyphenated compounds written with spaces), stop words removed. */
  terms: string[];
  /** Quoted words and phrases, stop words kept, not expanded. */
  phrases: string[];
  /** Words or phrases written with a leading '-'. */
  negated: string[];
  raw: string;
}

export interface Alternative {
  term: string;
  weight: number;
  relation: Relation;
}

export interface ConceptGroup {
  original: string;
  /** The concept itself first (weight 1), then its expansions by falling weight. */
  alternatives: Alternative[];
}

export interface ExpandedQuery {
  groups: ConceptGroup[];
  negated: string[];
}

/**
 * English stop words: the NLTK list (Porter's/Snowball's English list, 179 words), with
 * contraction fragments left out because apostrophes are split off first. Words that only say
 * "I am searching videos" are in QUERY_NOISE_WORDS.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  ("i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself it its itself " +
    "they them their theirs themselves what which who whom this that these those am is are was were be been being have has had " +
    "having do does did doing a an the and but if or because as until while of at by for with about against between into through " +
    "during before after above below to from up down in out on off over under again further then once here there when where why how " +
    "all any both each few more most other some such no nor not only own same so than too very s t can will just don should now " +
    "d ll m o re ve y ain aren couldn didn doesn hadn hasn haven isn ma mightn mustn needn shan shouldn wasn weren won wouldn").split(" "),
);
/** Words that name the medium rather than the content ("videos of dogs"). */
export const QUERY_NOISE_WORDS: ReadonlySet<string> = new Set(["clip", "clips", "video", "videos", "footage"]);

/** Lower case, accents removed, typographic quotes and dashes made plain. */
export function normaliseText(s: string): string {
  return s
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/[\u201c\u201d\u201e\u00ab\u00bb]/g, '"')
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[\u2010-\u2015\u2212]/g, "-")
    .toLowerCase();
}

/** The words of a text, letters and digits only ("dog's" → ["dog"], "t-shirt" → ["t", "shirt"]). */
export function words(s: string): string[] {
  return normaliseText(s)
    .replace(/'s\b/g, "")
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

const isContent = (w: string) => !STOP_WORDS.has(w) && !QUERY_NOISE_WORDS.has(w) && (w.length > 1 || /\d/.test(w));

/** Splits a query into words, quoted phrases and negations; stop words go, phrases stay whole. */
export function parseQuery(text: string): ParsedQuery {
  const terms: string[] = [];
  const phrases: string[] = [];
  const negated: string[] = [];
  const push = (list: string[], v: string) => {
    if (v && !list.includes(v)) list.push(v);
  };
  // A quote without its partner is dropped: the rest of the query is read as words.
  const tokenRe = /(-?)"([^"]*)"|(\S+)/g;
  for (const m of normaliseText(text).matchAll(tokenRe)) {
    if (m[2] !== undefined) {
      const phrase = words(m[2]).join(" ");
      if (!phrase) continue;
      // Quoted means exact: even a single quoted word is a phrase, so it is not expanded.
      push(m[1] ? negated : phrases, phrase);
      continue;
    }
    const token = m[3]!;
    const neg = token.startsWith("-") && token.length > 1;
    // "t-shirt" stays one concept ("t shirt"), as WordNet writes it with a hyphen.
    const ws = words(token).filter((w, _, all) => all.length > 1 || isContent(w));
    if (ws.length === 0) continue;
    if (neg) push(negated, ws.join(" "));
    else if (/[\p{L}\p{N}]-[\p{L}\p{N}]/u.test(token)) push(terms, ws.join(" "));
    else for (const w of ws) if (isContent(w)) push(terms, w);
  }
  return { terms, phrases, negated, raw: text };
}

export interface ExpandQueryOptions extends ExpandOptions {
  /** Alternatives per concept, the concept itself included (default 12). */
  maxAlternatives?: number;
}

/** One group per concept: words expanded through `expander`, phrases kept as they are. */
export function expandQuery(parsed: ParsedQuery, expander: TermExpander | null, opts: ExpandQueryOptions = {}): ExpandedQuery {
  const groups: ConceptGroup[] = [];
  const max = opts.maxAlternatives ?? 12;
  for (const term of parsed.terms) {
    const alternatives: Alternative[] = [{ term, weight: 1, relation: "self" }];
    for (const e of expander ? expander.expandTerm(term, opts) : []) {
      const t = words(e.term).join(" ");
      // An alternative that is only stop words ("being", "it") would match everything.
      if (!t || !words(t).some(isContent) || alternatives.some((a) => a.term === t)) continue;
      alternatives.push({ term: t, weight: e.weight, relation: e.relation });
    }
    groups.push({ original: term, alternatives: alternatives.slice(0, max) });
  }
  for (const phrase of parsed.phrases) groups.push({ original: phrase, alternatives: [{ term: phrase, weight: 1, relation: "self" }] });
  return { groups, negated: [...parsed.negated] };
}

export interface MatchOptions {
  /** "all": every concept must match (AND across groups); "any": one is enough (default "all"). */
  mode?: "all" | "any";
  /** Alternatives below this weight are left out of the expression (default 0). */
  minWeight?: number;
}

/** An FTS5 string: inner quotes doubled (fts5 docs, "FTS5 Strings"); the content is words only anyway. */
const ftsString = (term: string) => `"${words(term).join(" ").replace(/"/g, '""')}"`;
/** A to_tsquery operand: each word quoted with ' doubled and \ escaped; words of a phrase joined by <->. */
const tsOperand = (term: string) =>
  words(term)
    .map((w) => `'${w.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`)
    .join(" <-> ");

function build(expanded: ExpandedQuery, opts: MatchOptions, operand: (t: string) => string, ops: { or: string; and: string; not: (pos: string, neg: string) => string }): string {
  const minWeight = opts.minWeight ?? 0;
  const orOf = (terms: string[]) => {
    const parts = [...new Set(terms.filter((t) => words(t).length > 0).map(operand))];
    return parts.length === 0 ? "" : parts.length === 1 ? parts[0]! : `(${parts.join(` ${ops.or} `)})`;
  };
  const groups = expanded.groups
    .map((g) => orOf(g.alternatives.filter((a) => a.relation === "self" || a.weight >= minWeight).map((a) => a.term)))
    .filter(Boolean);
  // Neither engine can search for "everything except": with no positive concept there is no query.
  if (groups.length === 0) return "";
  const positive = groups.length === 1 ? groups[0]! : groups.join(` ${opts.mode === "any" ? ops.or : ops.and} `);
  const negative = orOf(expanded.negated);
  return negative ? ops.not(groups.length === 1 ? positive : `(${positive})`, negative) : positive;
}

/** A SQLite FTS5 MATCH expression; "" when nothing is left to search for. */
export function toFtsMatch(expanded: ExpandedQuery, opts: MatchOptions = {}): string {
  // FTS5's NOT is binary and binds tighter than AND/OR, hence the parentheses around the positive part.
  return build(expanded, opts, ftsString, { or: "OR", and: "AND", not: (p, n) => `${p} NOT ${n}` });
}

/** A PostgreSQL to_tsquery('english', …) expression; "" when nothing is left to search for. */
export function toTsQuery(expanded: ExpandedQuery, opts: MatchOptions = {}): string {
  return build(expanded, opts, tsOperand, { or: "|", and: "&", not: (p, n) => `${p} & !${n.startsWith("(") ? n : `(${n})`}` });
}
