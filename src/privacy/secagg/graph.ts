/**
 * The neighbour graph: Flower's SecAgg+ construction, a ring of the sites shuffled by the round's
 * published seed, each site joined to those at offsets ±1..±k/2 (k-regular); k = n − 1 is the
 * complete graph of Bonawitz et al. Hub and sites derive the same graph from the config alone.
 */
import type { RoundConfig } from './config.js';
import { domainLabel } from './domain.js';
import { deriveKey, KeyedStream } from './prg.js';

/** Each site's neighbours, sorted; a neighbour's position in this list + 1 is its share's x. */
export type NeighbourGraph = ReadonlyMap<string, readonly string[]>;

export function neighbourGraph(config: RoundConfig): NeighbourGraph {
  const ring = [...config.sites].sort();
  const n = ring.length;
  const stream = new KeyedStream(
    deriveKey(config.graphSeed, domainLabel('neighbour-graph', config.round)),
  );
  for (let i = n - 1; i > 0; i--) {
    const j = stream.uniformInt(i + 1);
    [ring[i], ring[j]] = [ring[j]!, ring[i]!];
  }
  const graph = new Map<string, string[]>();
  ring.forEach((site, i) => {
    const neighbours =
      config.neighbours >= n - 1
        ? ring.filter((other) => other !== site)
        : Array.from({ length: config.neighbours / 2 }, (_, d) => [
            ring[(i + d + 1) % n]!,
            ring[(i - d - 1 + n) % n]!,
          ]).flat();
    graph.set(site, neighbours.sort());
  });
  return graph;
}

/** The x-coordinate at which `owner` shares its secrets with `holder`. */
export function shareIndex(graph: NeighbourGraph, owner: string, holder: string): number {
  const position = graph.get(owner)?.indexOf(holder) ?? -1;
  if (position < 0) throw new RangeError(`${holder} is not a neighbour of ${owner}`);
  return position + 1;
}
