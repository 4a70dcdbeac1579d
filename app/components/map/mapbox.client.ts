/**
 * mapbox-gl for the case map, imported with the map page's own modules: the
 * browser fetches it alongside them (a modulepreload in the page) instead of
 * after hydration, and its web worker starts now, while the page hydrates,
 * rather than when the map is created — the worker parses the whole library
 * before it can tile anything (decision 0013, "First render"). On the server
 * this module is empty (`.client`), so the map still renders there as a frame.
 */
import mapboxgl from "mapbox-gl";

mapboxgl.prewarm();

export default mapboxgl;
