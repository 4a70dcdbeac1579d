/**
 * Believable hotline exports for the import bench and the queue bench:
 * the columns a 12345 export has, Chinese labels, real street names, lead
 * units named like the seeded street offices, histories at every stage of
 * the loop, quotes and line breaks inside descriptions — plus a few percent
 * of broken rows and repeated ticket numbers. Seeded, so every run writes the
 * same file. Written line by line: a million rows never sit in memory.
 */
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { csvLine } from "../../server/tickets/import/csv";

export interface FileStreet {
  code: string;
  name: string;
  districtName: string;
  /** The street office the demo seeds for it, if any. */
  office: string | null;
}

export interface FileLeaf {
  /** 城乡建设/物业管理/物业服务 */
  path: string;
  name: string;
  handlerKind: string | null;
  handlerFunction: string | null;
}

export interface TicketFileOptions {
  rows: number;
  seed?: number;
  /** One broken row in this many (≈ 3 %). */
  badEvery?: number;
  /** One repeated ticket number in this many (≈ 2 %). */
  duplicateEvery?: number;
  streets: FileStreet[];
  leaves: FileLeaf[];
  /** Departments and utilities by function key (住建, 城管 …): lead units for catalogue leaves that are not the street's. */
  unitsByFunction: Map<string, string[]>;
  /** Streets that get a larger share of tickets (a busy street's queues). */
  busyStreets?: string[];
}

export interface TicketFileStats {
  /** Rows that should become tickets (distinct numbers). */
  good: number;
  bad: number;
  duplicates: number;
  bytes: number;
  /** Good rows per status the history leads to. */
  byStatus: Record<string, number>;
}

export const FILE_HEADERS = [
  "工单编号",
  "受理时间",
  "诉求类型",
  "渠道",
  "紧急程度",
  "诉求分类",
  "诉求内容",
  "事发地址",
  "经度",
  "纬度",
  "所属区",
  "所属街道",
  "来电人",
  "联系电话",
  "工单状态",
  "派单时间",
  "承办单位",
  "签收时间",
  "先行联系时间",
  "回复时间",
  "回访时间",
  "解决情况",
  "满意度",
  "办结时间",
];

/** mulberry32: small, fast, good enough for test data. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英建国建华文华淑珍玉兰凤英志强海燕红梅";
const PLACES = ["小区", "家园", "花园", "里", "院", "公寓", "新村", "胡同"];
const PROBLEMS: Record<string, string[]> = {
  default: ["存在问题", "长期得不到解决", "影响居民正常生活", "多次反映未果"],
};
const OPENERS = [
  "来电人反映：",
  "市民来电称，",
  "来电反映",
  "诉求人表示：",
  "居民反映，",
  "来电人称",
];
const DETAILS = [
  "已持续一周左右",
  "晚上十点以后尤为严重",
  "老人孩子休息受到影响",
  "曾向物业反映但未得到处理",
  "附近居民意见很大",
  "存在安全隐患",
  "雨天时情况更加严重",
  "早晚高峰时段问题突出",
  "多次拨打热线未解决",
  "希望相关部门尽快到现场核实",
];
const WISHES = ["希望尽快处理。", "请相关部门核实处理。", "要求给予答复。", "希望能彻底解决。", "请尽快协调解决。"];

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
/** Beijing wall-clock text of an instant. */
function beijing(ms: number): string {
  const d = new Date(ms + 8 * 3_600_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

const TYPES: [string, number][] = [
  ["咨询", 0.38],
  ["求助", 0.2],
  ["投诉", 0.32],
  ["举报", 0.05],
  ["建议", 0.05],
];
const CHANNELS: [string, number][] = [
  ["电话", 0.86],
  ["微信", 0.05],
  ["北京通", 0.04],
  ["领导留言板", 0.03],
  ["网站", 0.02],
];
/** How far along the loop a dispatched ticket got: 已派单, 已签收, 办理中, 已回复, 已回访, 已办结. */
const STAGES: [number, number][] = [
  [1, 0.06],
  [2, 0.06],
  [3, 0.12],
  [4, 0.08],
  [5, 0.08],
  [6, 0.6],
];
const RESOLUTIONS: [string, number][] = [
  ["已解决", 0.82],
  ["部分解决", 0.1],
  ["未解决", 0.08],
];
const SATISFACTIONS: [string, number][] = [
  ["满意", 0.8],
  ["基本满意", 0.12],
  ["不满意", 0.08],
];
const STATUS_OF_STAGE = ["已受理", "已派单", "已签收", "办理中", "已回复", "已回访", "已办结"];
const STATUS_CODE = ["received", "dispatched", "accepted", "in_progress", "replied", "called_back", "closed"];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export async function writeTicketFile(path: string, options: TicketFileOptions): Promise<TicketFileStats> {
  const rnd = random(options.seed ?? 12345);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const weighted = <T>(table: [T, number][]): T => {
    let r = rnd();
    for (const [value, weight] of table) {
      r -= weight;
      if (r < 0) return value;
    }
    return table[table.length - 1]![0];
  };
  const badEvery = options.badEvery ?? 33;
  const duplicateEvery = options.duplicateEvery ?? 50;
  const busy = options.streets.filter((s) => options.busyStreets?.includes(s.code));
  const officeStreets = options.streets.filter((s) => s.office);
  const start = Date.UTC(2024, 0, 1) - 8 * HOUR;
  const span = 365 * 24 * HOUR;

  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  let buffer = "";
  let bytes = 0;
  const write = async (line: string) => {
    buffer += line + "\r\n";
    if (buffer.length > 256 * 1024) {
      bytes += Buffer.byteLength(buffer);
      if (!out.write(buffer)) await once(out, "drain");
      buffer = "";
    }
  };
  await write(FILE_HEADERS.join(","));

  const stats: TicketFileStats = { good: 0, bad: 0, duplicates: 0, bytes: 0, byStatus: {} };
  const recent: string[] = []; // lines of recent good rows, to repeat as duplicates
  let seq = 0;
  for (let i = 0; i < options.rows; i++) {
    if (i > 0 && i % duplicateEvery === 0 && recent.length > 0) {
      await write(pick(recent));
      stats.duplicates++;
      continue;
    }
    seq++;
    const receivedAt = start + Math.floor((seq / options.rows) * span) + Math.floor(rnd() * 20 * MINUTE);
    const day = beijing(receivedAt).slice(0, 10).replaceAll("-", "");
    const number = `BJ${day}${pad(seq % 1_000_000, 6)}${pad(Math.floor(seq / 1_000_000), 1)}`;
    const street = busy.length && rnd() < 0.25 ? pick(busy) : pick(officeStreets);
    const leaf = pick(options.leaves);
    const type = weighted(TYPES);
    const urgency = rnd() < 0.95 ? "一般" : rnd() < 0.8 ? "紧急" : "特急";
    const surname = pick([...SURNAMES]);
    const name = surname + (rnd() < 0.3 ? "先生" : rnd() < 0.5 ? "女士" : pick([...GIVEN]) + (rnd() < 0.5 ? pick([...GIVEN]) : ""));
    const phone = `1${pick(["3", "5", "8", "9"])}${pad(Math.floor(rnd() * 1e9), 9)}`;
    const estate = `${street.name.replace(/(街道|地区|镇|乡)$/, "")}${pick(PLACES)}`;
    const building = 1 + Math.floor(rnd() * 30);
    const address = `${street.districtName}${street.name}${estate}${building}号楼${1 + Math.floor(rnd() * 6)}单元`;
    let description = `${pick(OPENERS)}${estate}${building}号楼附近${leaf.name}问题${pick(PROBLEMS.default!)}，${pick(DETAILS)}，${pick(DETAILS)}。${pick(WISHES)}`;
    if (i % 97 === 5) description = `${description}\n补充："${leaf.name}"情况见附件照片。`;
    const withPoint = rnd() < 0.3;
    const lon = withPoint ? (116.2 + rnd() * 0.4).toFixed(6) : "";
    const lat = withPoint ? (39.8 + rnd() * 0.25).toFixed(6) : "";

    // History.
    const answered = type === "咨询" && rnd() < 0.6;
    const stage = answered ? 0 : rnd() < 0.08 ? 0 : weighted(STAGES);
    const times: string[] = ["", "", "", "", "", "", ""]; // dispatched accepted contact replied calledBack closed
    let lead = "";
    let at = receivedAt;
    let resolution = "";
    let satisfaction = "";
    let status = STATUS_OF_STAGE[stage]!;
    let statusCode = STATUS_CODE[stage]!;
    if (answered) {
      at += 3 * MINUTE + Math.floor(rnd() * 10 * MINUTE);
      times[3] = beijing(at);
      times[5] = beijing(at);
      status = "已办结";
      statusCode = "closed";
    } else if (stage > 0) {
      lead =
        leaf.handlerKind === "street" || !leaf.handlerFunction
          ? street.office!
          : pick(options.unitsByFunction.get(leaf.handlerFunction) ?? [street.office!]);
      const gaps = [10 * MINUTE + rnd() * 2 * HOUR, rnd() * 12 * HOUR, rnd() * 20 * HOUR, 1 + rnd() * 96 * HOUR, 2 * HOUR + rnd() * 40 * HOUR, rnd() * 24 * HOUR];
      for (let s = 0; s < stage; s++) {
        at += Math.floor(gaps[s]!);
        times[s] = beijing(at);
      }
      if (stage >= 5) {
        resolution = weighted(RESOLUTIONS);
        satisfaction = weighted(SATISFACTIONS);
      }
    }
    const fields = [
      number,
      beijing(receivedAt),
      type,
      weighted(CHANNELS),
      urgency,
      leaf.path,
      description,
      address,
      lon,
      lat,
      street.districtName,
      street.name,
      name,
      phone,
      status,
      times[0]!,
      lead,
      times[1]!,
      times[2]!,
      times[3]!,
      times[4]!,
      resolution,
      satisfaction,
      times[5]!,
    ];
    if (i % badEvery === 7) {
      // A broken row, of one of the kinds real exports have.
      switch (Math.floor(i / badEvery) % 6) {
        case 0:
          fields[0] = "";
          break;
        case 1:
          fields[1] = "2024-13-45 25:00";
          break;
        case 2:
          fields[5] = "城乡建设/不存在的分类";
          break;
        case 3:
          fields[8] = "200.5";
          fields[9] = "39.9";
          break;
        case 4:
          fields[2] = "表扬";
          break;
        case 5:
          // Accepted without being dispatched.
          fields[15] = "";
          fields[16] = "";
          fields[17] = fields[17] || beijing(receivedAt + HOUR);
          fields[14] = "";
          break;
      }
      await write(csvLine(fields));
      stats.bad++;
      continue;
    }
    const line = csvLine(fields);
    await write(line);
    stats.good++;
    stats.byStatus[statusCode] = (stats.byStatus[statusCode] ?? 0) + 1;
    if (recent.length < 500) recent.push(line);
    else recent[Math.floor(rnd() * recent.length)] = line;
  }
  if (buffer) {
    bytes += Buffer.byteLength(buffer);
    out.write(buffer);
  }
  out.end();
  await once(out, "finish");
  stats.bytes = bytes;
  return stats;
}
