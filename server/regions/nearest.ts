/**
 * Which community a point is in, as far as our data knows: the closest
 * community centre within a radius. Pure, so the intake form can say where a
 * map pick will be placed before the service places it the same way.
 */

/** Great-circle distance in metres (haversine). */
export function distanceMetres(aLon: number, aLat: number, bLon: number, bLat: number): number {
  const rad = Math.PI / 180;
  const dLat = (bLat - aLat) * rad;
  const dLon = (bLon - aLon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(aLat * rad) * Math.cos(bLat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}

/** A community within this distance of its (approximate) centre is taken as the point's community. */
export const COMMUNITY_RADIUS_M = 800;

/** The community closest to the point within `COMMUNITY_RADIUS_M`, or null; those without a position are passed over. */
export function nearestCommunity<T extends { lon: number | null; lat: number | null }>(
  communities: Iterable<T>,
  lon: number,
  lat: number,
): T | null {
  let best: { community: T; d: number } | null = null;
  for (const c of communities) {
    if (c.lon == null || c.lat == null) continue;
    const d = distanceMetres(lon, lat, c.lon, c.lat);
    if (d <= COMMUNITY_RADIUS_M && (!best || d < best.d)) best = { community: c, d };
  }
  return best?.community ?? null;
}
