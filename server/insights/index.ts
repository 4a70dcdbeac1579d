/** The insights domain's public face (docs/decisions/0014-hot-spots.md). */
export { detectHotSpots, detectionThreaded, type DetectionResult } from "./detection";
export {
  familyChoices,
  getHotSpot,
  halfMonthOf,
  hotSpotFeatures,
  hotSpotFilterSchema,
  listHotSpots,
  recurringPlacesFor,
  risingCategories,
  shiftHalfMonth,
  type HotSpotFilters,
  type HotSpotRow,
} from "./read";
export {
  blowWhistleForProblem,
  conveneForProblem,
  createMonthlyProblem,
  dismissHotSpot,
  dismissSchema,
  getMonthlyProblem,
  listMonthlyProblems,
  monthlyProblemOwner,
  monthlyProblemSchema,
} from "./proactive";
export { insightRuleSchema, listInsightRules, setInsightRules } from "./rules";
export {
  addGovernanceStreet,
  currentWarnings,
  governanceStreetSchema,
  inGovernanceStreet,
  listGovernanceStreets,
  removeGovernanceStreet,
  removeGovernanceStreetSchema,
  sweepGovernanceWarnings,
  volumeRanking,
} from "./governance";
export { tagBreakdown, tagBreakdownSchema } from "./tags";
