/**
 * Counts and position sums per tile at a few zooms (docs/decisions/0013-map.md,
 * "Pyramids"). A viewport at city or district zoom is a screenful of cells,
 * each many tiles wide: a tile wholly inside the view joins its cell by its
 * sums, and only the tiles on the view's edge are opened, down to the finest
 * level and then point by point. The work follows the view's perimeter, not
 * the number of tickets inside it.
 */

/** Tile zooms of the levels, coarse to fine; the finest is the zoom of the store's point buckets. */
export const PYRAMID_ZOOMS = [10, 13, 16] as const;
export const FINEST_ZOOM = PYRAMID_ZOOMS[PYRAMID_ZOOMS.length - 1]!;

export interface Sums {
  count: number;
  sumX: number;
  sumY: number;
}

/** A tile's key at a zoom: column × side + row (exact in a double up to zoom 26). */
export const tileKey = (x: number, y: number, side: number) => Math.floor(x * side) * side + Math.floor(y * side);

export class Pyramid {
  /** Per level (as PYRAMID_ZOOMS), tile key → the sums of the points in it. */
  readonly levels: Map<number, Sums>[] = PYRAMID_ZOOMS.map(() => new Map<number, Sums>());

  /** Adds the sums of points that share one tile of the finest level (its key) to it and its ancestors. */
  addTile(finestKey: number, sums: Sums) {
    const finestSide = 2 ** FINEST_ZOOM;
    const column = Math.floor(finestKey / finestSide);
    const row = finestKey - column * finestSide;
    for (let l = 0; l < PYRAMID_ZOOMS.length; l++) {
      const shift = 2 ** (FINEST_ZOOM - PYRAMID_ZOOMS[l]!);
      const key = Math.floor(column / shift) * 2 ** PYRAMID_ZOOMS[l]! + Math.floor(row / shift);
      const level = this.levels[l]!;
      const at = level.get(key);
      if (at) {
        at.count += sums.count;
        at.sumX += sums.sumX;
        at.sumY += sums.sumY;
      } else level.set(key, { ...sums });
    }
  }

  /** Adds (sign 1) or removes (sign -1) a point at (x, y) in Mercator units. */
  add(x: number, y: number, sign: 1 | -1) {
    for (let l = 0; l < PYRAMID_ZOOMS.length; l++) {
      const level = this.levels[l]!;
      const key = tileKey(x, y, 2 ** PYRAMID_ZOOMS[l]!);
      let sums = level.get(key);
      if (!sums) {
        sums = { count: 0, sumX: 0, sumY: 0 };
        level.set(key, sums);
      }
      sums.count += sign;
      sums.sumX += sign * x;
      sums.sumY += sign * y;
      // An emptied tile goes, so a level's size stays the number of tiles with tickets.
      if (sums.count === 0) level.delete(key);
    }
  }
}
