import type * as MapboxGl from "mapbox-gl";
import type { Style } from "mapbox-gl";

/**
 * The self-hosted base style (docs/decisions/0003): a background and the
 * district boundaries from our own GeoJSON. No glyphs or sprite: nothing is
 * fetched from anywhere but this server, and no token is needed; names are
 * drawn in HTML. Maps add their own sources and layers on top.
 */
export function baseStyle(): Style {
  return {
    version: 8,
    sources: { districts: { type: "geojson", data: "/geo/beijing-districts.geojson", generateId: true } },
    layers: [
      { id: "background", type: "background", paint: { "background-color": "#e9edf1" } },
      {
        id: "district-fill",
        type: "fill",
        source: "districts",
        paint: {
          "fill-color": ["case", ["boolean", ["feature-state", "hover"], false], "#f6d5d1", "#fbfcfd"],
          "fill-opacity": 0.95,
        },
      },
      { id: "district-line", type: "line", source: "districts", paint: { "line-color": "#b3261e", "line-width": 1.2 } },
    ],
  };
}

export const BEIJING: [number, number] = [116.4, 40.1];

/**
 * mapbox-gl, loaded in the browser only (it touches `window` on import), or
 * null where it cannot draw (no WebGL). Callers show a plain-HTML fallback.
 */
export async function loadMapbox(): Promise<typeof MapboxGl | null> {
  const module = await import("mapbox-gl");
  const mapboxgl = (module as unknown as { default?: typeof module }).default ?? module;
  return mapboxgl.supported() ? mapboxgl : null;
}
