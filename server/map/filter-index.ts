/**
 * A filter's own pyramid (docs/decisions/0013-map.md, "Pyramids"): the sums
 * per tile of the tickets one filter and one actor's visibility accept, so a
 * filtered view is answered tile by tile like an unfiltered one. A person sets
 * filters once and then pans and zooms: the first view pays one pass over the
 * tickets, the next ones reuse it. Kept fresh by replaying the store's change
 * log; a filter unused for a while falls out of a small LRU.
 */
import type { TicketPoints } from "./points";
import { Pyramid } from "./pyramid";

export interface FilterIndex {
  pyramid: Pyramid;
  /** Point i is accepted when accepted[i] is 1 (as of `version`). */
  accepted: Uint8Array;
  /** The store's version this index reflects. */
  version: number;
}

/** Filters kept per store: a few people's current views. */
const KEEP = 16;
const caches = new WeakMap<TicketPoints, Map<string, FilterIndex>>();

/**
 * The filter is tested once per ticket in storage order (the columns read
 * sequentially); then each bucket's accepted points are summed and join the
 * pyramid as one tile, instead of a Map lookup per point and level.
 */
function build(points: TicketPoints, accept: (i: number) => boolean): FilterIndex {
  const pyramid = new Pyramid();
  const accepted = new Uint8Array(points.x.length);
  for (let i = 0; i < points.size; i++) if (accept(i)) accepted[i] = 1;
  for (const [key, list] of points.buckets) {
    let count = 0;
    let sumX = 0;
    let sumY = 0;
    for (const i of list) {
      if (accepted[i] === 0) continue;
      count++;
      sumX += points.x[i]!;
      sumY += points.y[i]!;
    }
    if (count > 0) pyramid.addTile(key, { count, sumX, sumY });
  }
  return { pyramid, accepted, version: points.version };
}

/** Brings the index up to the store's version; false when the change log no longer reaches back. */
function catchUp(points: TicketPoints, index: FilterIndex, accept: (i: number) => boolean): boolean {
  if (index.accepted.length < points.x.length) {
    const grown = new Uint8Array(points.x.length);
    grown.set(index.accepted);
    index.accepted = grown;
  }
  const { accepted, pyramid } = index;
  const replayed = points.changesSince(index.version, (i, oldX, oldY) => {
    if (accepted[i] === 1) pyramid.add(oldX, oldY, -1);
    const now = accept(i);
    accepted[i] = now ? 1 : 0;
    if (now) pyramid.add(points.x[i]!, points.y[i]!, 1);
  });
  if (replayed) index.version = points.version;
  return replayed;
}

/**
 * The index of the filter named `key` (the same key must always mean the
 * same `accept`), built or brought up to date.
 */
export function filterIndex(points: TicketPoints, key: string, accept: (i: number) => boolean): FilterIndex {
  let cache = caches.get(points);
  if (!cache) {
    cache = new Map();
    caches.set(points, cache);
  }
  let index = cache.get(key);
  if (index) {
    cache.delete(key); // re-inserted below: a Map iterates in insertion order, so the first key is the least recent
    if (index.version !== points.version && !catchUp(points, index, accept)) index = undefined;
  }
  index ??= build(points, accept);
  cache.set(key, index);
  if (cache.size > KEEP) cache.delete(cache.keys().next().value!);
  return index;
}
