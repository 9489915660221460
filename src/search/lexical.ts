/**
 * Turns a query into concepts and engine expressions: words and "quoted phrases", stop words
 * dropped, each concept with its alternatives (synonyms etc. when an expander is given), then an
 * FTS5 MATCH string and a PostgreSQL to_tsquery string. Terms are reduced to [a-z0-9 ] before
 * they reach either engine, so no user input can inject query syntax.
 */

export interface Alternative {
  term: string;
  weight: number;
  relation: string;
}

export interface QueryPlan {
  groups: { original: string; alternatives: Alternative[] }[];
  ftsMatch: string;
  tsQuery: string;
}

/** Common English function words (a subset of the SMART and NLTK lists) that carry no subject. */
export const STOP_WORDS = new Set(
  "a an and are as at be been being but by can could did do does doing for from had has have having he her here hers him his how i if in into is it its just me more most my no nor not of off on once only or other our out over own same she should so some such than that the their them then there these they this those through to too under until up very was we were what when where which while who whom why will with would you your yours clip clips video videos footage scene shows showing show".split(" "),
);

/** Lower-case, keep letters, digits and single spaces. */
export function normaliseTerm(s: string): string {
  return s.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/[^a-z0-9]+/g, " ").trim();
}

/** Splits a query into concepts: quoted phrases whole, other words one by one, stop words out. */
export function parseQuery(text: string): string[] {
  const out: string[] = [];
  const phraseRe = /"([^"]+)"/g;
  for (const m of text.matchAll(phraseRe)) {
    const p = normaliseTerm(m[1]!);
    if (p) out.push(p);
  }
  for (const w of normaliseTerm(text.replace(phraseRe, " ")).split(" ")) if (w && w.length > 1 && !STOP_WORDS.has(w)) out.push(w);
  return [...new Set(out)];
}

export type Expander = (term: string) => Promise<Alternative[]> | Alternative[];

const ftsTerm = (t: string) => `"${t.replace(/"/g, '""')}"`;
const tsTerm = (t: string) => t.split(" ").map((w) => `'${w}'`).join(" <-> ");

/** Builds the plan; `expand` adds alternatives per concept (WordNet, an LLM). */
export async function buildLexicalQuery(text: string, expand?: Expander): Promise<QueryPlan> {
  const groups: QueryPlan["groups"] = [];
  for (const concept of parseQuery(text)) {
    const alternatives: Alternative[] = [{ term: concept, weight: 1, relation: "self" }];
    for (const a of expand ? await expand(concept) : []) {
      const term = normaliseTerm(a.term);
      if (term && !alternatives.some((x) => x.term === term)) alternatives.push({ ...a, term });
    }
    groups.push({ original: concept, alternatives });
  }
  const all = groups.flatMap((g) => g.alternatives.map((a) => a.term));
  return {
    groups,
    ftsMatch: all.map(ftsTerm).join(" OR "),
    tsQuery: all.map((t) => `(${tsTerm(t)})`).join(" | "),
  };
}
