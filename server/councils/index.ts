/** The councils domain's public face (吹哨报到, 圆桌会议): routes, seeds and other domains import from here only. */
export {
  councilAccess,
  councilMembers,
  councilsWhere,
  councilTarget,
  LIST_PAGE,
  loadCouncil,
  type CouncilMember,
} from "./access";
export {
  addParty,
  partySchema,
  changeStage,
  councilsOfTicket,
  createCouncil,
  implementSignedPlan,
  listCouncils,
  listTopics,
  placesFor,
  proposeTopic,
  findResidents,
  RESIDENT_MATCHES,
  reviewOutcome,
  reviewTopic,
  topicForCouncil,
  councilSchema,
  stageSchema,
  topicSchema,
} from "./councils";
export { councilsToReview, MEETINGS_AHEAD_DAYS, topicsToReview, upcomingMeetings, whistlesToReport } from "./agenda";
export { reportDeadline, reportState, type ReportState } from "./deadlines";
export { getCouncil, listPublicCouncils, publicCouncil } from "./detail";
export { meetingIcs } from "./ics";
export {
  castBallot,
  closeVoting,
  meetingForCalendar,
  openVoting,
  publishDecision,
  recordAttendance,
  recordDecision,
  recordMinutes,
  cancelMeeting,
  rescheduleMeeting,
  scheduleMeeting,
  signDecision,
} from "./meetings";
export { checkStageChange, decidingStages, nextStages, stageLabels } from "./stages";
export { tally, type Tally } from "./votes";
export {
  blowWhistle,
  closeWhistle,
  evaluateWhistle,
  getWhistle,
  groundLabels,
  listWhistles,
  reportToWhistle,
  summonableUnits,
  sweepWhistleDeadlines,
  whistleScorecards,
} from "./whistles";
export { listWhistleRules, setWhistleRule, whistleRuleSchema } from "./rules";
export {
  casesForMap,
  flowStages,
  MAP_CASES_BOUND,
  type CaseMeeting,
  type CaseParty,
  type CaseScope,
  type FlowStage,
  type MapCase,
  type PartyStatus,
} from "./cases";
