/** The tickets domain's public face: routes, the API and other domains import from here only. */
export { requestAppeal, reviewAppeal, appealSchema, appealReviewSchema } from "./appeals";
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
  queues,
  revealContact,
  suggestUnits,
  visibility,
  type ListInput,
  type Queue,
} from "./queries";
export { currentRules, deadlineFrom, pickTimeLimit, type TimeLimitRule } from "./rules";
export { indexText, matchExpression } from "./search";
export { trackSchema, trackTicket } from "./tracking";
export { act, actionRights, actionSchema, mayAct, type ActionInput } from "./workflow";
