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
  type HotSpotFilters,
  type HotSpotRow,
} from "./read";
export {
  blowWhistleForProblem,
  conveneForProblem,
  createMonthlyProblem,
  dismissHotSpot,
  dismissSchema,
  monthlyProblemSchema,
} from "./proactive";
export {
  closeYearlyProblem,
  createYearlyProblem,
  DEFAULT_BASELINE_PERIODS,
  getMonthlyProblem,
  homeRegion,
  listMonthlyProblems,
  manageableAreas,
  mayManage,
  mayReadProblem,
  problemsWhere,
  monthlyProblemOwner,
  problemFormSchema,
  problemUnits,
  updateYearlyProblem,
  yearlyProblems,
  type ProblemForm,
} from "./problems";
export { problemWatch, type Watch, type WatchPeriod } from "./watch";
export { shiftHalfMonth } from "./periods";
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
