/** The insights domain's public face (docs/decisions/0014-hot-spots.md). */
export { detectHotSpots, type DetectionResult } from "./detection";
