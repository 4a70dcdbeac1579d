/** The map's public face (decision 0013): viewport clusters over the tickets in memory. */
export { pointsOf } from "./points";
export {
  mapFilterSchema,
  MAX_ZOOM,
  viewportClusters,
  viewportSchema,
  type MapFilters,
  type ViewportResult,
} from "./viewport";
