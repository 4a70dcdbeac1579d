import type { Map as MapboxMap } from "mapbox-gl";

/**
 * Beijing's districts drawn as SVG under the case map's canvas, on our own offline base (decision 0013,
 * "Session 18"). Without a GPU, WebGL is drawn in software: the district fill, its outline and the
 * stencil masks that clip them to each tile are three more programs to compile and a polygon source to
 * cut into tiles, ~90 ms of the first map, and the fill covered most of every frame after. The browser
 * draws a few thousand vertices of SVG in a millisecond or two, so the map's canvas is left transparent
 * (no background layer either) and the districts sit behind it, moved with the camera.
 */

const SVG = "http://www.w3.org/2000/svg";
/** mapbox-gl's world is 512 pixels wide at zoom 0. */
const TILE_SIZE = 512;
/**
 * Paths are kept in units of 1/10,000 of the world, from a corner north-west of Beijing, to five
 * decimals: small numbers, because the browser draws SVG in 32-bit floats, and at zoom 18 (the world
 * 134 million pixels wide) a world-sized coordinate, or one rounded to three decimals, is off by pixels.
 */
const UNIT = 10_000;

export const mercatorX = (lon: number) => (lon + 180) / 360;
export const mercatorY = (lat: number) => {
  const sin = Math.sin((lat * Math.PI) / 180);
  return 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI);
};

const ORIGIN = { x: mercatorX(115), y: mercatorY(41.5) };

export interface DistrictFeature {
  properties: { name: string };
  geometry: { type: string; coordinates: unknown };
}

/** A district's rings as an SVG path in overlay units. */
export function districtPath(geometry: DistrictFeature["geometry"]): string {
  const polygons = (geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates) as number[][][][];
  const at = ([lon, lat]: number[]) =>
    `${((mercatorX(lon!) - ORIGIN.x) * UNIT).toFixed(5)} ${((mercatorY(lat!) - ORIGIN.y) * UNIT).toFixed(5)}`;
  return polygons.flatMap((rings) => rings.map((ring) => `M${ring.map(at).join("L")}Z`)).join("");
}

/**
 * Puts the districts under the map's canvas and keeps them where the map is: on every camera move the
 * group's transform is set from the centre and zoom (the case map neither rotates nor tilts). Returns
 * a function that removes them.
 */
export function overlayDistricts(map: MapboxMap, features: DistrictFeature[]): () => void {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "district-overlay");
  svg.setAttribute("aria-hidden", "true");
  const group = document.createElementNS(SVG, "g");
  for (const f of features) {
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", districtPath(f.geometry));
    path.setAttribute("data-name", f.properties.name);
    group.append(path);
  }
  svg.append(group);
  map.getContainer().prepend(svg);
  const place = () => {
    const world = TILE_SIZE * 2 ** map.getZoom();
    const centre = map.getCenter();
    const { clientWidth, clientHeight } = map.getContainer();
    const x = clientWidth / 2 + (ORIGIN.x - mercatorX(centre.lng)) * world;
    const y = clientHeight / 2 + (ORIGIN.y - mercatorY(centre.lat)) * world;
    const k = world / UNIT;
    group.setAttribute("transform", `matrix(${k} 0 0 ${k} ${x} ${y})`);
  };
  place();
  map.on("move", place);
  map.on("resize", place);
  return () => {
    map.off("move", place);
    map.off("resize", place);
    svg.remove();
  };
}
