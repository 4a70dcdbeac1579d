import { useRouteLoaderData } from "@remix-run/react";
import type * as MapboxGl from "mapbox-gl";
import type { AnyLayer, Map as MapboxMap, MapboxOptions, Style } from "mapbox-gl";
import type { Config } from "../../../server/config";

/** Which base the maps draw on (config: MAPBOX_ACCESS_TOKEN, MAP_STYLE_URL, MAP_TILE_URL). */
export interface MapBase {
  token: string | null;
  styleUrl: string | null;
  tileUrl: string | null;
}

export function mapBaseOf(config: Config): MapBase {
  const token = config.MAPBOX_ACCESS_TOKEN ?? null;
  return {
    token,
    styleUrl: config.MAP_STYLE_URL ?? (token && !config.MAP_TILE_URL ? "mapbox://styles/mapbox/light-v10" : null),
    tileUrl: config.MAP_TILE_URL ?? null,
  };
}

const OFFLINE: MapBase = { token: null, styleUrl: null, tileUrl: null };

/** The configured base, from the root loader. */
export function useMapBase(): MapBase {
  return useRouteLoaderData<{ map?: MapBase }>("root")?.map ?? OFFLINE;
}

const HOVER = ["boolean", ["feature-state", "hover"], false];
const BOUNDARY = "#b3261e";

/**
 * The districts: a fill that marks hovering, and the boundaries. On our own base the boundaries are
 * the fill's outline; over someone else's base the fill is transparent (and so is its outline), so
 * they are a line layer. The outline is what keeps the offline map's first frame cheap: without a GPU
 * (software WebGL) a line layer costs a program to compile and ~12 ms of every frame, ~200 ms of the
 * first map (decision 0013).
 */
const districtLayers = (overBase: boolean): AnyLayer[] =>
  overBase
    ? [
        {
          id: "district-fill",
          type: "fill",
          source: "districts",
          paint: { "fill-color": "#f6d5d1", "fill-opacity": ["case", HOVER, 0.5, 0] },
        },
        {
          id: "district-line",
          type: "line",
          source: "districts",
          paint: { "line-color": BOUNDARY, "line-width": 1.2 },
        },
      ]
    : [
        {
          id: "district-fill",
          type: "fill",
          source: "districts",
          paint: {
            "fill-color": ["case", HOVER, "#f6d5d1", "#fbfcfd"],
            "fill-opacity": 0.95,
            "fill-outline-color": BOUNDARY,
          },
        },
      ];

/** Beijing's districts (public/geo): the base style's source, and what the case map draws and names. */
export const DISTRICTS_URL = "/geo/beijing-districts.geojson";

const districtSource = { type: "geojson", data: DISTRICTS_URL, generateId: true } as const;

/**
 * The style to create a map with: the configured style URL, or our own style
 * (offline, or over the configured raster tiles). Call `whenStyled` once the
 * style has loaded to add the district layers a style URL does not have.
 */
export function styleFor(base: MapBase, options: { districtsAsSvg?: boolean } = {}): Style | string {
  if (base.styleUrl) return base.styleUrl;
  if (!base.tileUrl) return options.districtsAsSvg ? bareStyle() : baseStyle();
  return {
    version: 8,
    sources: {
      districts: districtSource,
      tiles: { type: "raster", tiles: [base.tileUrl], tileSize: 256 },
    },
    layers: [{ id: "tiles", type: "raster", source: "tiles" }, ...districtLayers(true)],
  };
}

/** Adds our district boundaries on top of a style URL's layers (our own styles have them). */
export function whenStyled(map: MapboxMap) {
  if (map.getSource("districts")) return;
  map.addSource("districts", districtSource);
  for (const layer of districtLayers(true)) map.addLayer(layer);
}

/** Our own base, drawn where the map is on its own (no style URL, no tiles). */
export const isOfflineBase = (base: MapBase) => !base.styleUrl && !base.tileUrl;

/**
 * The offline base for a map that draws its background and districts in the page, under a transparent
 * canvas (district-overlay.ts): nothing but the map's own layers is drawn in WebGL.
 */
function bareStyle(): Style {
  return { version: 8, transition: { duration: 0, delay: 0 }, sources: {}, layers: [] };
}

/**
 * The self-hosted base style (docs/decisions/0003): a background and the
 * district boundaries from our own GeoJSON. No glyphs or sprite: nothing is
 * fetched from anywhere but this server, and no token is needed; names are
 * drawn in HTML. Maps add their own sources and layers on top.
 */
function baseStyle(): Style {
  return {
    version: 8,
    // No easing between paint values: it only adds frames (see CaseMap's fadeDuration).
    transition: { duration: 0, delay: 0 },
    sources: { districts: districtSource },
    layers: [
      { id: "background", type: "background", paint: { "background-color": "#e9edf1" } },
      ...districtLayers(false),
    ],
  };
}

export const BEIJING: [number, number] = [116.4, 40.1];

/**
 * mapbox-gl, loaded in the browser only (it touches `window` on import). A
 * page that imported it already (mapbox.client.ts) passes it in.
 */
export async function loadMapbox(base: MapBase, loaded?: typeof MapboxGl): Promise<typeof MapboxGl> {
  let mapboxgl = loaded;
  if (!mapboxgl) {
    const module = await import("mapbox-gl");
    mapboxgl = (module as unknown as { default?: typeof module }).default ?? module;
  }
  if (base.token) mapboxgl.accessToken = base.token;
  return mapboxgl;
}

/**
 * A map, or null where mapbox-gl cannot draw (no WebGL: its constructor throws); callers show a
 * plain-HTML fallback. Asking `mapboxgl.supported()` first would create a throwaway WebGL context and
 * compile a shader in it: ~13 ms of a map page's main thread on a machine without a GPU.
 */
export function createMap(mapboxgl: typeof MapboxGl, options: MapboxOptions): MapboxMap | null {
  try {
    return new mapboxgl.Map(options);
  } catch (error) {
    if (error instanceof Error && /WebGL/.test(error.message)) return null;
    throw error;
  }
}

/**
 * Keeps the map's canvas hidden until mapbox-gl has drawn it with everything it has to show (its
 * `load`), and resolves then. Over our own base the districts and names are HTML and SVG under the
 * canvas, so the page shows the city at once and the markers join it in one frame. The reason is
 * speed on machines without a GPU: Chromium then composites in software and reads every frame a
 * visible WebGL canvas shows back from the GPU process before the page may go on (15–50 ms a frame on
 * the bench machine), while the first frames have nothing of ours to show yet. A hidden canvas is
 * never read back, so nothing makes the GPU process run those frames' commands: they are flushed as
 * they are drawn, and the software rasteriser compiles the map's programs while the page works on
 * instead of all in the last frame (decision 0013, "Session 19").
 */
export function revealWhenLoaded(map: MapboxMap): Promise<void> {
  const canvas = map.getCanvas();
  const gl = canvas.getContext("webgl");
  const flush = () => gl?.flush();
  canvas.style.visibility = "hidden";
  map.on("render", flush);
  return new Promise((resolve) => {
    map.once("load", () => {
      map.off("render", flush);
      canvas.style.visibility = "";
      resolve();
    });
  });
}
