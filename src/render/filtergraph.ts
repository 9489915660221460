/**
 * Filter graphs as data: `{ inputs, filter, options, outputs }` nodes turned into the
 * `-filter_complex` string in this one place, with ffmpeg's two levels of escaping.
 */

export type OptionValue = string | number;

export interface FilterNode {
  /** Pad labels without brackets ("0:v:0", "v1"); empty for a source filter or a chained input. */
  inputs?: string[];
  filter: string;
  /** Named options in order (`key=value`), or positional values (`fps=30`, `concat` has none). */
  options?: Record<string, OptionValue | undefined> | OptionValue[];
  outputs?: string[];
}

/** A chain: nodes joined by "," (each node's unlabelled output feeds the next). */
export type FilterChain = FilterNode[];

const r6 = (n: number) => {
  if (!Number.isFinite(n)) throw new Error(`filter option is not a finite number: ${n}`);
  // Six decimals is below a sample at 48 kHz and far below a frame; avoids "1e-7" forms ffmpeg's parser rejects.
  return String(Math.round(n * 1e6) / 1e6);
};

/**
 * Escapes one option value for use inside `-filter_complex`. Two levels, as ffmpeg's
 * "Notes on filtergraph escaping" describe: first the option parser's own specials
 * (`\`, `'`, `:`), then the graph parser's (`\`, `'`, `[`, `]`, `,`, `;`).
 */
export function escapeOptionValue(value: OptionValue): string {
  const s = typeof value === "number" ? r6(value) : value;
  const level1 = s.replace(/[\\':]/g, "\\$&");
  let level2 = level1.replace(/[\\'[\],;]/g, "\\$&");
  // The graph parser trims whitespace around values; escape the outermost spaces to keep them.
  level2 = level2.replace(/^ /, "\\ ").replace(/ $/, "\\ ");
  return level2;
}

const labels = (xs: string[] | undefined) => (xs ?? []).map((l) => {
  if (!/^[\w:.-]+$/.test(l)) throw new Error(`bad filter pad label: ${JSON.stringify(l)}`);
  return `[${l}]`;
}).join("");

/** One filter with its options: `scale=w=640:h=360`. */
export function filterToString(node: FilterNode): string {
  if (!/^[a-z0-9_]+(@[\w]+)?$/.test(node.filter)) throw new Error(`bad filter name: ${node.filter}`);
  const o = node.options;
  let args = "";
  if (Array.isArray(o)) args = o.map(escapeOptionValue).join(":");
  else if (o) {
    args = Object.entries(o)
      .filter((kv): kv is [string, OptionValue] => kv[1] !== undefined)
      .map(([k, v]) => `${k}=${escapeOptionValue(v)}`)
      .join(":");
  }
  return `${labels(node.inputs)}${node.filter}${args ? `=${args}` : ""}${labels(node.outputs)}`;
}

/** The whole graph: chains separated by ";", nodes within a chain by ",". */
export function graphToString(chains: FilterChain[]): string {
  return chains
    .filter((c) => c.length > 0)
    .map((c) => c.map(filterToString).join(","))
    .join(";");
}

/** Gives a chain its input and output labels (first node's inputs, last node's outputs). */
export function chain(inputs: string[], nodes: FilterNode[], outputs: string[], kind: "video" | "audio" = "video"): FilterChain {
  // An empty chain still has to connect its pads: null/anull pass frames through unchanged.
  if (nodes.length === 0) return [{ inputs, filter: kind === "audio" ? "anull" : "null", outputs }];
  const out = nodes.map((n) => ({ ...n }));
  out[0] = { ...out[0]!, inputs: [...inputs, ...(out[0]!.inputs ?? [])] };
  out[out.length - 1] = { ...out[out.length - 1]!, outputs };
  return out;
}
