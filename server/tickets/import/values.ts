/**
 * Reading the values hotline exports contain: Beijing times in the formats
 * spreadsheets write, and the Chinese labels (or our codes) of types,
 * channels, urgencies, statuses, resolutions and satisfactions.
 */
import {
  channels,
  requestTypes,
  resolutions,
  satisfactions,
  ticketStatuses,
  urgencies,
  type Channel,
  type RequestType,
  type TicketStatus,
  type Urgency,
} from "../../../db/schema/tickets";
import { BEIJING_OFFSET_MS } from "../../../app/i18n/dates";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Excel's day 0 is 1899-12-30 (the 1900 date system with its leap-year bug). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

const DATE_TIME =
  /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:(?:[\sT]+|(?<=日))(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2})(?:[.,](\d{1,3})\d*)?\s*秒?|\s*分)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?$/;
const EXCEL_SERIAL = /^\d{5}(?:\.\d+)?$/;

function build(parts: (string | undefined)[], zone: string | undefined): Date | null {
  const [y, mo, d, h = "0", mi = "0", s = "0", ms = "0"] = parts;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) return null;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, Number(ms.padEnd(3, "0")));
  const check = new Date(utc);
  // 2024-02-30 rolls over to March in Date.UTC: refuse instead.
  if (check.getUTCDate() !== day && !(hour === 24 && minute === 0 && second === 0)) return null;
  if (year < 1990 || year > 2100) return null;
  let offset = BEIJING_OFFSET_MS;
  if (zone) {
    if (zone.toUpperCase() === "Z") offset = 0;
    else {
      const sign = zone.startsWith("-") ? -1 : 1;
      const digits = zone.slice(1).replace(":", "");
      offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
    }
  }
  return new Date(utc - offset);
}

/**
 * A point in time written the usual ways — 2024-03-05 14:23:11, 2024/3/5 14:23,
 * 2024年3月5日 14时23分, 20240305142311, ISO 8601 with a zone, an Excel date
 * serial — read as Beijing time unless a zone is given. Null when unreadable.
 */
export function parseBeijingTime(text: string): Date | null {
  const s = text.trim();
  let m = DATE_TIME.exec(s);
  if (m) return build(m.slice(1, 8), m[8]);
  m = COMPACT.exec(s);
  if (m) return build(m.slice(1, 7), undefined);
  if (EXCEL_SERIAL.test(s)) {
    const serial = Number(s);
    if (serial < 25_000 || serial > 80_000) return null;
    // The serial counts days of wall-clock time: Beijing, here.
    return new Date(Math.round(EXCEL_EPOCH_MS + serial * DAY_MS) - BEIJING_OFFSET_MS);
  }
  return null;
}

function normalise(text: string): string {
  return text.normalize("NFKC").trim().toLowerCase().replace(/\s+/g, "");
}

function lookup<T extends string>(table: Record<string, T>, codes: readonly T[], text: string): T | null {
  // Exports repeat the same few labels: try them as written before normalising.
  if (Object.hasOwn(table, text)) return table[text]!;
  const key = normalise(text);
  if ((codes as readonly string[]).includes(key)) return key as T;
  return Object.hasOwn(table, key) ? table[key]! : null;
}

const typeLabels: Record<string, RequestType> = {
  咨询: "inquiry",
  咨询类: "inquiry",
  求助: "help",
  求助类: "help",
  投诉: "complaint",
  投诉类: "complaint",
  举报: "report",
  举报类: "report",
  建议: "suggestion",
  建议类: "suggestion",
  意见建议: "suggestion",
};

const channelLabels: Record<string, Channel> = {
  电话: "phone",
  热线: "phone",
  "12345": "phone",
  "12345热线": "phone",
  "12345电话": "phone",
  热线电话: "phone",
  来电: "phone",
  微信: "wechat",
  微信公众号: "wechat",
  微信小程序: "wechat",
  小程序: "wechat",
  北京通: "app",
  北京通app: "app",
  app: "app",
  手机app: "app",
  客户端: "app",
  留言板: "message_board",
  领导留言板: "message_board",
  人民网领导留言板: "message_board",
  网站: "web",
  网页: "web",
  网上: "web",
  网络: "web",
  门户网站: "web",
  接口: "api",
  系统对接: "api",
  导入: "import",
};

const urgencyLabels: Record<string, Urgency> = {
  一般: "normal",
  普通: "normal",
  正常: "normal",
  紧急: "urgent",
  加急: "urgent",
  特急: "emergency",
  特别紧急: "emergency",
  非常紧急: "emergency",
};

const statusLabelsIn: Record<string, TicketStatus> = {
  受理: "received",
  已受理: "received",
  待派单: "received",
  派单: "dispatched",
  已派单: "dispatched",
  待签收: "dispatched",
  已派单待签收: "dispatched",
  退单: "return_requested",
  退单待审核: "return_requested",
  签收: "accepted",
  已签收: "accepted",
  待办理: "accepted",
  办理中: "in_progress",
  处理中: "in_progress",
  已联系: "in_progress",
  回复: "replied",
  已回复: "replied",
  待回访: "replied",
  已回复待回访: "replied",
  回访: "called_back",
  已回访: "called_back",
  待办结: "called_back",
  办结: "closed",
  已办结: "closed",
  结案: "closed",
  已结案: "closed",
  已关闭: "closed",
  直接答复: "closed",
};

const resolutionLabels: Record<string, (typeof resolutions)[number]> = {
  已解决: "resolved",
  解决: "resolved",
  是: "resolved",
  部分解决: "partly",
  未解决: "unresolved",
  否: "unresolved",
};

const satisfactionLabels: Record<string, (typeof satisfactions)[number]> = {
  满意: "satisfied",
  非常满意: "satisfied",
  基本满意: "basic",
  一般: "basic",
  不满意: "dissatisfied",
  非常不满意: "dissatisfied",
};

export const parseType = (text: string) => lookup(typeLabels, requestTypes, text);
export const parseChannel = (text: string) => lookup(channelLabels, channels, text);
export const parseUrgency = (text: string) => lookup(urgencyLabels, urgencies, text);
export const parseStatus = (text: string) => lookup(statusLabelsIn, ticketStatuses, text);
export const parseResolution = (text: string) => lookup(resolutionLabels, resolutions, text);
export const parseSatisfaction = (text: string) => lookup(satisfactionLabels, satisfactions, text);

/** A decimal number, or null (also for "", which callers treat as absent before calling). */
export function parseDecimal(text: string): number | null {
  const s = text.normalize("NFKC").trim();
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(s)) return null;
  return Number(s);
}
