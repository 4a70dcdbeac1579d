import type { TicketStatus } from "../../db/schema/tickets";
import type { ActionKind } from "./lifecycle";

/** Chinese names used in 409 reasons; the UI shares them through app/i18n. */
export const statusLabels: Record<TicketStatus, string> = {
  received: "已受理",
  dispatched: "已派单待签收",
  return_requested: "退单待审核",
  accepted: "已签收",
  in_progress: "办理中",
  replied: "已回复待回访",
  called_back: "已回访",
  closed: "已办结",
};

export const actionLabels: Record<ActionKind, string> = {
  answer: "直接答复",
  dispatch: "派单",
  redispatch: "转派",
  accept: "签收",
  request_return: "申请退单",
  decide_return: "审核退单",
  contact: "先行联系",
  request_extension: "申请延期",
  decide_extension: "审批延期",
  reply: "回复",
  callback: "回访",
  close: "办结",
  reopen: "重办",
  supervise: "督办",
  add_co_unit: "增加协办单位",
  council_note: "记录议事决议",
};
