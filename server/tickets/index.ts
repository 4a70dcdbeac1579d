/** The tickets domain's public face: routes, the API and other domains import from here only. */
export {
  requestAppeal,
  reviewAppeal,
  appealSchema,
  appealReviewSchema,
  appealListSchema,
  listAppeals,
} from "./appeals";
export { mayReceiveRedispatch, suitsCategory, type CandidateUnit, type CatalogueEntry } from "./catalogue";
export { categoryPaths, handlingUnits, leafCategories, type HandlingUnit, type LeafCategory } from "./choices";
export { addWorkingDays, beijingDate, beijingMonth, isWorkingDay, loadCalendar } from "./calendar";
export { createTicket, intakeSchema, type IntakeInput } from "./intake";
export { allowedFrom, decide, handlingKinds, type ActionKind, type TicketAction, type TicketState } from "./lifecycle";
export { actionLabels, statusLabels } from "./labels";
export { maskName, maskPhone } from "./masking";
export {
  deadlineFlags,
  getTicket,
  listSchema,
  listTickets,
  PAGE_SIZE,
  actionQueues,
  awaitingRating,
  QUEUE_COUNT_CAP,
  queueCounts,
  queueRole,
  queues,
  queueSets,
  revealContact,
  ticketUnitChoices,
  UNIT_ACTIONS,
  unitChoicesFor,
  visibility,
  type ListInput,
  type Queue,
  type UnitChoices,
} from "./queries";
export { currentRules, deadlineFrom, pickTimeLimit, type TimeLimitRule } from "./rules";
export {
  addCategory,
  calendarYear,
  createScoreWeightVersion,
  createTimeLimitVersion,
  deleteCalendarDay,
  LEAF_LEVEL,
  listCategoryTree,
  listScoreWeightVersions,
  listTimeLimitVersions,
  renameCategory,
  saveCalendarDay,
  setCategoryActive,
  setCategoryTags,
  setLeafHandler,
} from "./rules-admin";
export { effectiveTags } from "./tags";
export {
  addCounts,
  categoryRateCounts,
  computeRates,
  DEFAULT_BOTTOM,
  emptyCounts,
  monthlyScorecards,
  monthSchema,
  monthsEnding,
  overdueByUnit,
  scorecardMonths,
  scoredOrgKinds,
  shiftMonth,
  streetRanking,
  trend,
  unitOrders,
  unitTable,
  weightsFor,
  type RateCounts,
  type Rates,
  type ScoredOrgKind,
  type ScoreWeights,
} from "./scorecards";
export { indexText, matchExpression } from "./search";
export { reindexSearch } from "./reindex";
export { callbackByReporter, trackSchema, trackTicket } from "./tracking";
export { act, actionRights, actionSchema, mayAct, type ActionInput } from "./workflow";
/** Integration: API keys, the hotline platform JSON API, Open311 (docs/decisions/0009). */
export * from "./integration";
export { noteCouncil, replyFromCouncil, resolveTicketNumbers, ticketBriefs, type CouncilNote } from "./councils";
