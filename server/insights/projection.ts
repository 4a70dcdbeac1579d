/**
 * A local metric projection for Beijing: metres east and north of a fixed
 * origin (Tiananmen), by the equirectangular approximation. Over the city
 * (≈ 170 km across) its distance error stays well under 1% — a few metres on a
 * 200 m hot-spot radius — which is far below the error of a hotline address's
 * geocoded position, and it costs two multiplications per point (Web Mercator,
 * which the map uses, stretches distances by 1/cos(lat) ≈ 1.3 here).
 */
const EARTH_RADIUS_M = 6_371_008.8;
const ORIGIN_LON = 116.3975;
const ORIGIN_LAT = 39.9087;
const M_PER_DEG_LAT = (Math.PI / 180) * EARTH_RADIUS_M;
const M_PER_DEG_LON = M_PER_DEG_LAT * Math.cos((ORIGIN_LAT * Math.PI) / 180);

export const projectX = (lon: number) => (lon - ORIGIN_LON) * M_PER_DEG_LON;
export const projectY = (lat: number) => (lat - ORIGIN_LAT) * M_PER_DEG_LAT;
export const unprojectLon = (x: number) => ORIGIN_LON + x / M_PER_DEG_LON;
export const unprojectLat = (y: number) => ORIGIN_LAT + y / M_PER_DEG_LAT;
