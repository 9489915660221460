/** Seeded synthetic vectors for the index tests and the bench: uniform-direction and clustered. */
import { SeededRandom } from "./rng.ts";

/** A standard normal draw (Box–Muller). */
function gaussian(rng: SeededRandom): number {
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** n random directions in `dim` dimensions (Gaussian coordinates: no structure for an index to use). */
export function randomVectors(n: number, dim: number, seed: number): Float32Array[] {
  const rng = new SeededRandom(seed);
  return Array.from({ length: n }, () => Float32Array.from({ length: dim }, () => gaussian(rng)));
}

/**
 * n vectors around `clusters` random centres with Gaussian spread `spread` per coordinate
 * (relative to unit-variance centres): the shape of real embeddings, where shots of one scene
 * or one subject sit close together. Draws with the same `centreSeed` share their centres.
 */
export function clusteredVectors(n: number, dim: number, clusters: number, spread: number, seed: number, centreSeed = 7): Float32Array[] {
  const rng = new SeededRandom(seed);
  const centres = randomVectors(clusters, dim, centreSeed);
  return Array.from({ length: n }, () => {
    const c = centres[Math.floor(rng.next() * clusters)]!;
    return Float32Array.from(c, (x) => x + spread * gaussian(rng));
  });
}
