/** The map's public face (decision 0013): viewport clusters over the tickets in memory, and the cases of the flow. */
export { mapCases, type CaseMarker } from "./cases";
export { mapFilterSchema, type MapFilters } from "./filters";
export { pointsOf } from "./points";
export {
  firstClusters,
  MAX_ZOOM,
  viewportClusters,
  viewportSchema,
  type Bounds,
  type ClusterFeature,
  type ViewportResult,
} from "./viewport";
