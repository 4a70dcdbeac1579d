/**
 * One file row → one ticket, or the reason it cannot be one. The ticket's
 * state is not copied from the file: the history the file states is replayed
 * through the state machine (`decide`, decision 0007), so an imported ticket
 * holds exactly what the same steps taken in the portal would have left —
 * status, dispatch month, first-contact deadline, time-limit rule, deadline.
 */
import type { Channel, RequestType, Urgency, resolutions, satisfactions } from "../../../db/schema/tickets";
import { ServiceError } from "../../errors";
import { decide, initialState, type TicketAction, type TicketState, type UnitRef } from "../lifecycle";
import { statusLabels } from "../labels";
import { indexText } from "../search";
import type { SourceRecord } from "./csv";
import { fieldLabels, type ColumnMapping, type ImportField } from "./fields";
import type { Located } from "../../regions";
import type { Reference } from "./reference";
import {
  parseBeijingTime,
  parseChannel,
  parseDecimal,
  parseResolution,
  parseSatisfaction,
  parseStatus,
  parseType,
  parseUrgency,
} from "./values";

/** The ticket columns an import writes, in insert order. */
export interface TicketValues {
  number: string;
  type: RequestType;
  channel: Channel;
  urgency: Urgency;
  categoryId: number;
  description: string;
  address: string;
  lon: number | null;
  lat: number | null;
  districtCode: string | null;
  streetCode: string | null;
  communityCode: string | null;
  reporterName: string | null;
  reporterPhone: string | null;
  status: TicketState["status"];
  firstReceiverOrgId: number | null;
  leadOrgId: number | null;
  receivedAt: number;
  dispatchedAt: number | null;
  dispatchMonth: string | null;
  contactDeadlineAt: number | null;
  acceptedAt: number | null;
  firstContactAt: number | null;
  clockStartedAt: number | null;
  deadlineAt: number | null;
  timeLimitId: number;
  repliedAt: number | null;
  calledBackAt: number | null;
  closedAt: number | null;
  resolution: (typeof resolutions)[number] | null;
  satisfaction: (typeof satisfactions)[number] | null;
}

export interface PreparedTicket {
  line: number;
  ticket: TicketValues;
  /** The FTS row's text, as intake writes it. */
  searchText: string;
  /** The history as the file stated it: the `imported` event's data. */
  facts: Record<string, string | number>;
}

export type Prepared = { ok: true; row: PreparedTicket } | { ok: false; line: number; reason: string; raw: string };

/** Field → column index in the file, from the mapping and the header row. */
export type ColumnIndex = Partial<Record<ImportField, number>>;

export function columnIndex(mapping: ColumnMapping, headers: readonly string[]): ColumnIndex {
  const index: ColumnIndex = {};
  for (const [field, header] of Object.entries(mapping) as [ImportField, string][]) {
    const at = headers.indexOf(header);
    if (at >= 0) index[field] = at;
  }
  return index;
}

const NUMBER = /^[A-Za-z0-9-]{4,40}$/;
const PHONE = /^\+?[\d*\- ]{7,20}$/;
/** A file is allowed some clock skew against ours before a time counts as "in the future". */
const FUTURE_SLACK_MS = 24 * 60 * 60 * 1000;
const MAX = { description: 4000, address: 200, reporterName: 40 } as const;

/** The steps a history can state, in the order the loop takes them. */
const STEPS = [
  { field: "dispatchedAt", action: "dispatch" },
  { field: "acceptedAt", action: "accept" },
  { field: "firstContactAt", action: "contact" },
  { field: "repliedAt", action: "reply" },
  { field: "calledBackAt", action: "callback" },
  { field: "closedAt", action: "close" },
] as const;
type StepField = (typeof STEPS)[number]["field"];

const ms = (d: Date | null) => (d ? d.getTime() : null);
const NO_PLACE = { districtCode: null, streetCode: null, communityCode: null } as const;

/**
 * Turns records into tickets for one import: the column positions, the
 * reference data and "now" are fixed; each record is validated and its
 * history replayed. Field problems are collected together (one report line
 * says everything wrong with a row); history is checked once the fields are sound.
 */
export class RowReader {
  private fields: string[] = [];
  private problems: string[] = [];

  constructor(
    private readonly columns: ColumnIndex,
    private readonly ref: Reference,
    private readonly now: Date,
  ) {}

  private get(field: ImportField): string {
    const at = this.columns[field];
    if (at === undefined) return "";
    const value = this.fields[at];
    return value === undefined ? "" : value.trim();
  }

  private time(field: ImportField, required: boolean): Date | null {
    const text = this.get(field);
    if (!text) {
      if (required) this.problems.push(`缺少${fieldLabels[field]}`);
      return null;
    }
    const at = parseBeijingTime(text);
    if (!at) this.problems.push(`${fieldLabels[field]}「${text}」无法识别（示例：2024-03-05 14:23:00）`);
    else if (at.getTime() > this.now.getTime() + FUTURE_SLACK_MS)
      this.problems.push(`${fieldLabels[field]}「${text}」晚于当前时间`);
    else return at;
    return null;
  }

  read(record: SourceRecord): Prepared {
    if (record.problem) return rejected(record, record.problem);
    this.fields = record.fields;
    this.problems = [];
    const problems = this.problems;
    const ref = this.ref;
    for (const at of Object.values(this.columns)) {
      if (record.fields[at]?.includes("\uFFFD")) {
        return rejected(record, "含有无法识别的字符（文件编码可能有误，请另存为 UTF-8 或 GBK 编码的 CSV）");
      }
    }

    const number = this.get("number");
    if (!number) problems.push("缺少工单编号");
    else if (!NUMBER.test(number)) problems.push(`工单编号「${number}」格式不正确（应为 4–40 位字母、数字或连字符）`);

    const receivedAt = this.time("receivedAt", true);

    const typeText = this.get("type");
    const type = typeText ? parseType(typeText) : null;
    if (!typeText) problems.push("缺少诉求类型");
    else if (!type) problems.push(`无法识别的诉求类型「${typeText}」（应为 咨询、求助、投诉、举报 或 建议）`);

    const channelText = this.get("channel");
    const channel: Channel | null = channelText ? parseChannel(channelText) : "import";
    if (!channel) problems.push(`无法识别的渠道「${channelText}」（如 电话、微信、北京通、留言板、网站）`);

    const urgencyText = this.get("urgency");
    const urgency: Urgency | null = urgencyText ? parseUrgency(urgencyText) : "normal";
    if (!urgency) problems.push(`无法识别的紧急程度「${urgencyText}」（应为 一般、紧急 或 特急）`);

    const categoryText = this.get("category");
    let leaf = null;
    if (!categoryText) problems.push("缺少诉求分类");
    else {
      const hit = ref.categories.resolve(categoryText);
      if (hit.ok) leaf = hit.value;
      else problems.push(hit.reason);
    }

    const description = this.get("description");
    if (!description) problems.push("缺少诉求内容");
    else if (description.length > MAX.description) problems.push(`诉求内容超过 ${MAX.description} 字`);
    const address = this.get("address");
    if (address.length > MAX.address) problems.push(`地址超过 ${MAX.address} 字`);

    let lon: number | null = null;
    let lat: number | null = null;
    const lonText = this.get("lon");
    const latText = this.get("lat");
    if (lonText || latText) {
      lon = lonText ? parseDecimal(lonText) : null;
      lat = latText ? parseDecimal(latText) : null;
      if (!lonText || !latText) problems.push("经度和纬度需同时填写");
      else if (lon === null || lat === null) problems.push(`坐标「${lonText}, ${latText}」不是数字`);
      else if (lon >= 39.4 && lon <= 41.1 && lat >= 115.4 && lat <= 117.6)
        problems.push(`坐标「${lonText}, ${latText}」超出北京范围（经纬度可能填反了）`);
      else if (lon < 115.4 || lon > 117.6 || lat < 39.4 || lat > 41.1)
        problems.push(`坐标「${lonText}, ${latText}」超出北京范围`);
    }

    let place: Located = NO_PLACE;
    const regionCode = this.get("regionCode");
    const district = this.get("districtName");
    const street = this.get("streetName");
    const community = this.get("communityName");
    if (regionCode) {
      const hit = ref.places.byRegionCode(regionCode);
      if (hit.ok) place = hit.value;
      else problems.push(hit.reason);
    } else if (district || street || community) {
      const hit = ref.places.byNames(district, street, community);
      if (hit.ok) place = hit.value;
      else problems.push(hit.reason);
    } else if (lon !== null && lat !== null && problems.length === 0) {
      place = ref.places.byPosition(lon, lat);
    }

    const reporterName = this.get("reporterName");
    if (reporterName.length > MAX.reporterName) problems.push("诉求人姓名过长");
    const reporterPhone = this.get("reporterPhone");
    if (reporterPhone && !PHONE.test(reporterPhone)) problems.push(`联系电话「${reporterPhone}」格式不正确`);

    // History.
    const times: Record<StepField, Date | null> = {
      dispatchedAt: this.time("dispatchedAt", false),
      acceptedAt: this.time("acceptedAt", false),
      firstContactAt: this.time("firstContactAt", false),
      repliedAt: this.time("repliedAt", false),
      calledBackAt: this.time("calledBackAt", false),
      closedAt: this.time("closedAt", false),
    };
    const resolutionText = this.get("resolution");
    const resolution = resolutionText ? parseResolution(resolutionText) : null;
    if (resolutionText && !resolution)
      problems.push(`无法识别的解决情况「${resolutionText}」（应为 已解决、部分解决 或 未解决）`);
    const satisfactionText = this.get("satisfaction");
    const satisfaction = satisfactionText ? parseSatisfaction(satisfactionText) : null;
    if (satisfactionText && !satisfaction)
      problems.push(`无法识别的满意度「${satisfactionText}」（应为 满意、基本满意 或 不满意）`);
    const statusText = this.get("status");
    const statedStatus = statusText ? parseStatus(statusText) : null;
    if (statusText && !statedStatus) problems.push(`无法识别的工单状态「${statusText}」`);
    const leadText = this.get("leadUnit");
    let lead: UnitRef | null = null;
    if (leadText) {
      const hit = ref.units.resolve(leadText, place.communityCode ?? place.streetCode ?? place.districtCode);
      if (hit.ok) lead = hit.value;
      else problems.push(hit.reason);
    }

    if (problems.length > 0 || !receivedAt || !type || !channel || !urgency || !leaf) {
      return rejected(record, problems.join("；"));
    }

    const rule = ref.ruleFor({ urgency, type, limitClass: leaf.limitClass });
    if (!rule) return rejected(record, "没有适用的时限规则，请管理员先配置时限");

    const history = checkHistory(type, times, receivedAt, lead, resolution, satisfaction);
    if (typeof history === "string") return rejected(record, history);

    // Replay, through the state machine.
    const state = initialState(type);
    const ctx = {
      now: receivedAt,
      rule,
      calendar: ref.calendar,
      extensionCapWorkingDays: ref.extensionCapWorkingDays,
      byCentre: true,
    };
    try {
      if (history.answered) {
        ctx.now = times.repliedAt ?? times.closedAt!;
        apply(state, { kind: "answer", reply: "" }, ctx);
      } else {
        for (const step of STEPS) {
          const at = times[step.field];
          if (!at) break;
          ctx.now = at;
          apply(state, actionFor(step.action, lead, resolution, satisfaction), ctx);
        }
      }
    } catch (error) {
      if (error instanceof ServiceError) return rejected(record, `历史环节不符合办理流程：${error.message}`);
      throw error;
    }
    if (statedStatus && statedStatus !== state.status) {
      return rejected(
        record,
        `工单状态「${statusText}」与各环节时间不符（按所填时间应为「${statusLabels[state.status]}」）`,
      );
    }

    const facts: Record<string, string | number> = { line: record.line, receivedAt: receivedAt.toISOString() };
    if (statusText) facts.status = statusText;
    for (const step of STEPS) {
      const at = times[step.field];
      if (at) facts[step.field] = at.toISOString();
    }
    if (leadText) facts.leadUnit = leadText;
    if (resolution) facts.resolution = resolution;
    if (satisfaction) facts.satisfaction = satisfaction;

    return {
      ok: true,
      row: {
        line: record.line,
        ticket: {
          number,
          type,
          channel,
          urgency,
          categoryId: leaf.id,
          description,
          address,
          lon,
          lat,
          districtCode: place.districtCode,
          streetCode: place.streetCode,
          communityCode: place.communityCode,
          reporterName: reporterName || null,
          reporterPhone: reporterPhone || null,
          status: state.status,
          firstReceiverOrgId: state.firstReceiverOrgId,
          leadOrgId: state.leadOrgId,
          receivedAt: receivedAt.getTime(),
          dispatchedAt: ms(state.dispatchedAt),
          dispatchMonth: state.dispatchMonth,
          contactDeadlineAt: ms(state.contactDeadlineAt),
          acceptedAt: ms(state.acceptedAt),
          firstContactAt: ms(state.firstContactAt),
          clockStartedAt: ms(state.clockStartedAt),
          deadlineAt: ms(state.deadlineAt),
          timeLimitId: rule.id,
          repliedAt: ms(state.repliedAt),
          calledBackAt: ms(state.calledBackAt),
          closedAt: ms(state.closedAt),
          resolution: state.resolution,
          satisfaction: state.satisfaction,
        },
        searchText: indexText(number, leaf.name, description, address),
        facts,
      },
    };
  }
}

function rejected(record: SourceRecord, reason: string): Prepared {
  return { ok: false, line: record.line, reason, raw: record.raw };
}

/**
 * The history must be a path the loop allows: every step before the furthest
 * one present, times in order, a lead unit for a dispatch, both ratings for a
 * callback. An inquiry with a reply and no dispatch was answered on the call.
 */
function checkHistory(
  type: RequestType,
  times: Record<StepField, Date | null>,
  receivedAt: Date,
  lead: UnitRef | null,
  resolution: unknown,
  satisfaction: unknown,
): string | { answered: boolean } {
  const answered = type === "inquiry" && !times.dispatchedAt && !!(times.repliedAt || times.closedAt);
  if (answered) {
    if (times.acceptedAt || times.firstContactAt || times.calledBackAt)
      return "直接答复的咨询不应有签收、先行联系或回访时间；如已派单，请提供派单时间";
  } else {
    let furthest = -1;
    for (let i = 0; i < STEPS.length; i++) if (times[STEPS[i]!.field]) furthest = i;
    for (let i = 0; i < furthest; i++) {
      const step = STEPS[i]!;
      if (!times[step.field]) {
        const later = STEPS.slice(i + 1).find((s) => times[s.field])!;
        return `有${fieldLabels[later.field]}但缺少${fieldLabels[step.field]}`;
      }
    }
    if (times.dispatchedAt && !lead) return "已派单的工单需要承办单位";
  }
  if (lead && !times.dispatchedAt) return "有承办单位但缺少派单时间";
  if (times.calledBackAt && (!resolution || !satisfaction)) return "有回访时间时需要解决情况和满意度";
  if (!times.calledBackAt && (resolution || satisfaction)) return "有解决情况或满意度但缺少回访时间";
  let previous = { label: fieldLabels.receivedAt, at: receivedAt };
  for (const step of STEPS) {
    const at = times[step.field];
    if (!at) continue;
    if (at < previous.at) return `${fieldLabels[step.field]}早于${previous.label}`;
    previous = { label: fieldLabels[step.field], at };
  }
  return { answered };
}

function actionFor(
  action: (typeof STEPS)[number]["action"],
  lead: UnitRef | null,
  resolution: (typeof resolutions)[number] | null,
  satisfaction: (typeof satisfactions)[number] | null,
): TicketAction {
  switch (action) {
    case "dispatch":
      return { kind: "dispatch", unit: lead! };
    case "accept":
      return { kind: "accept" };
    case "contact":
      return { kind: "contact", note: "" };
    case "reply":
      return { kind: "reply", content: "" };
    case "callback":
      // The callback's 1–5 scores are not part of an export; the two ratings are.
      return {
        kind: "callback",
        resolution: resolution!,
        satisfaction: satisfaction!,
        speed: 0,
        effect: 0,
        attitude: 0,
      };
    case "close":
      return { kind: "close" };
  }
}

function apply(state: TicketState, action: TicketAction, ctx: Parameters<typeof decide>[2]) {
  const decision = decide(state, action, ctx);
  Object.assign(state, decision.patch);
  state.status = decision.toStatus;
}

/** One record, for callers without a reader (tests). */
export function prepareRow(record: SourceRecord, columns: ColumnIndex, ref: Reference, now: Date): Prepared {
  return new RowReader(columns, ref, now).read(record);
}
