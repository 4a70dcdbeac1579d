/**
 * A year of believable 12345 tickets for the demo, ending today: background
 * calls across Beijing plus the recurring problems behind DOMAIN.md's council
 * examples (parking at 西河沿, garage noise at 新安中里, the road at 黄寺大街24号院,
 * waste sorting at 曙光花园), so rates, charts and hot spots have something to
 * show that the data itself contains.
 *
 * Every history is produced by replaying actions through the real state
 * machine (`decide`), so a demo ticket can only be in a state the product
 * allows; rows are then written in bulk. A seeded random generator keeps the
 * demo the same from one fresh start to the next (relative to its start day).
 */
import { count, eq, max, sql } from "drizzle-orm";
import type { Database } from "../client";
import {
  categories,
  organisations,
  regions,
  ticketEvents,
  tickets,
  ticketUnits,
  users,
  type RequestType,
  type Urgency,
} from "../schema";
import { beijingDate, loadCalendar, type CalendarExceptions } from "../../server/tickets/calendar";
import {
  decide,
  initialState,
  type Decision,
  type TicketAction,
  type TicketState,
  type UnitRef,
} from "../../server/tickets/lifecycle";
import { currentRules, pickTimeLimit, type TimeLimitRule } from "../../server/tickets/rules";
import { indexText } from "../../server/tickets/search";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** mulberry32: small, fast, deterministic. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    between: (lo: number, hi: number) => lo + (hi - lo) * next(),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    weighted: <T>(items: readonly (readonly [T, number])[]): T => {
      const total = items.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [item, w] of items) if ((r -= w) < 0) return item;
      return items[items.length - 1]![0];
    },
    chance: (p: number) => next() < p,
  };
}
type Random = ReturnType<typeof random>;

const surnames =
  "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文";
const givenChars =
  "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国玉兰淑珍凤云志红春梅海燕晓东文辉鹏飞宇浩然子涵欣怡雨桐思远";

function personName(r: Random) {
  const given = r.chance(0.6) ? r.pick([...givenChars]) + r.pick([...givenChars]) : r.pick([...givenChars]);
  return r.pick([...surnames]) + given;
}

function phone(r: Random) {
  return `1${r.pick(["35", "36", "38", "39", "50", "51", "58", "86", "87", "88", "89"])}${String(Math.floor(r.next() * 1e8)).padStart(8, "0")}`;
}

/** Metres to degrees near Beijing (40°N). */
function jitter(r: Random, lon: number, lat: number, metres: number): [number, number] {
  const angle = r.next() * 2 * Math.PI;
  const d = Math.sqrt(r.next()) * metres;
  return [lon + (d * Math.cos(angle)) / 85_000, lat + (d * Math.sin(angle)) / 111_000];
}

interface Place {
  lon: number;
  lat: number;
  communityCode: string | null;
  streetCode: string;
  districtCode: string;
  address: string;
}

interface Scenario {
  /** How many tickets, over how many recent days, growing towards today when `rising`. */
  count: number;
  days: number;
  rising?: boolean;
  community: string;
  radius: number;
  leaves: readonly (readonly [string, number])[];
  addresses: readonly string[];
  descriptions: readonly string[];
}

/** The recurring problems of DOMAIN.md's councils: dense enough to stand out as hot spots. */
const scenarios: Scenario[] = [
  {
    count: 180,
    days: 200,
    rising: true,
    community: "110102013901",
    radius: 260,
    leaves: [
      ["占道停车", 6],
      ["违章停车", 2],
      ["小区停车", 1],
    ],
    addresses: ["西城区西河沿街", "西城区前门西河沿", "西城区延寿街北口", "西城区粮食店街"],
    descriptions: [
      "西河沿街两侧车辆长时间占道停放，早晚高峰通行困难",
      "路边车辆超时停放，胡同口被堵，救护车进不来",
      "外来车辆在西河沿长期停放不挪，居民出行不便",
      "夜间大量车辆停在人行道上，老人出行危险",
    ],
  },
  {
    count: 90,
    days: 150,
    community: "110102019901",
    radius: 70,
    leaves: [
      ["车库噪音", 8],
      ["生活噪音", 1],
    ],
    addresses: ["西城区新安中里5号楼", "西城区新安中里7号楼", "西城区新安中里地下车库出口"],
    descriptions: [
      "楼下地下车库排风设备夜间噪音很大，影响休息",
      "车库卷帘门开关声音刺耳，凌晨也有",
      "地下车库经营方夜间洗车，噪音扰民",
    ],
  },
  {
    count: 60,
    days: 240,
    community: "110102010901",
    radius: 60,
    leaves: [
      ["道路破损", 5],
      ["公共设施维修", 2],
      ["路灯", 1],
    ],
    addresses: ["西城区黄寺大街24号院", "西城区黄寺大街24号院内道路"],
    descriptions: [
      "院内三十米道路坑洼积水多年，三家单位互相推诿无人维修",
      "院内道路路面塌陷，雨天积水，居民进出困难",
      "院内道路没有路灯，晚上出行不安全",
    ],
  },
  {
    count: 70,
    days: 300,
    community: "110108025901",
    radius: 150,
    leaves: [
      ["分类投放", 4],
      ["垃圾清运", 3],
      ["桶站设置", 2],
    ],
    addresses: ["海淀区曙光花园", "海淀区曙光花园望塔园", "海淀区曙光花园智业园"],
    descriptions: [
      "小区垃圾桶站满溢，分类不清，气味很大",
      "垃圾分类桶站设置不合理，离楼太近",
      "厨余垃圾清运不及时，夏天招苍蝇",
    ],
  },
];

/** Background calls: common leaves with their usual share, and short texts per family. */
const backgroundLeaves: readonly (readonly [string, number])[] = [
  ["物业服务", 10],
  ["物业收费", 4],
  ["公共设施维修", 6],
  ["电梯", 4],
  ["供暖", 5],
  ["停车", 4],
  ["占道停车", 5],
  ["施工噪音", 5],
  ["夜间施工", 3],
  ["施工扬尘", 2],
  ["私搭乱建", 3],
  ["道路破损", 3],
  ["树木修剪", 3],
  ["垃圾清运", 3],
  ["卫生死角", 2],
  ["餐饮油烟", 3],
  ["商业噪音", 3],
  ["装修扰民", 3],
  ["共享单车乱停放", 2],
  ["电动自行车充电", 2],
  ["楼道堆物", 2],
  ["群租房", 2],
  ["停水", 3],
  ["停电", 2],
  ["室温不达标", 4],
  ["燃气停气", 1],
  ["商品质量", 2],
  ["预付卡退费", 3],
  ["餐饮卫生", 2],
  ["价格欺诈", 1],
  ["违章停车", 2],
  ["交通拥堵", 1],
  ["房屋渗漏", 2],
  ["加装电梯", 2],
  ["租赁纠纷", 2],
  ["拖欠工资", 2],
  ["养老驿站", 1],
  ["幼儿园入园", 1],
];

const backgroundTexts: Record<string, string> = {
  物业: "物业服务不到位，报修多次无人处理",
  电梯: "单元电梯经常故障停运，老人上下楼困难",
  供暖: "家中暖气不热，室温不足十六度",
  停车: "小区停车管理混乱，外来车辆随意进出",
  施工: "附近工地夜间施工，噪音扬尘影响休息",
  违建: "楼下有人私搭乱建，占用公共空间",
  道路: "路面破损坑洼，雨天积水严重",
  树木: "小区树木遮挡采光，需要修剪",
  垃圾: "垃圾清运不及时，周边环境脏乱",
  油烟: "楼下餐馆油烟直排，家里窗户不敢开",
  噪音: "商户夜间营业噪音很大，影响居民休息",
  停水: "小区突然停水，没有提前通知",
  停电: "楼内停电多时，不知道何时恢复",
  燃气: "燃气停气，做饭困难，询问恢复时间",
  预付卡: "健身房关门跑路，预付卡无法退费",
  商品: "购买商品质量有问题，商家拒绝退换",
  拖欠: "公司拖欠工资三个月，要求帮助讨薪",
  default: "反映问题，请相关部门尽快处理",
};

function backgroundText(r: Random, leaf: string): string {
  const key = Object.keys(backgroundTexts).find((k) => leaf.includes(k) || k.includes(leaf.slice(0, 2)));
  const base = backgroundTexts[key ?? "default"]!;
  return r.chance(0.5) ? `${base}。` : `关于${leaf}：${base}，希望尽快解决。`;
}

interface Context {
  rules: TimeLimitRule[];
  extensionCap: number;
  calendar: CalendarExceptions;
  leaves: Map<
    string,
    {
      id: number;
      name: string;
      limitClass: "utility" | "general" | "complex";
      handlerKind: string | null;
      handlerFunction: string | null;
    }
  >;
  streetOffice: Map<string, UnitRef>;
  community: Map<string, UnitRef>;
  departments: { unit: UnitRef; functionKey: string }[];
  propertyCompanies: UnitRef[];
  centre: { orgId: number; userId: number | null };
  userOf: Map<number, number>;
}

function handlerFor(
  ctx: Context,
  leaf: { handlerKind: string | null; handlerFunction: string | null },
  place: Place,
): UnitRef {
  if (leaf.handlerKind !== "street") {
    const dept = ctx.departments.find(
      (d) =>
        d.functionKey === leaf.handlerFunction &&
        (d.unit.regionCode === "110000" || place.streetCode.startsWith(d.unit.regionCode)),
    );
    if (dept) return dept.unit;
  }
  return ctx.streetOffice.get(place.streetCode)!;
}

/** Building work and lifts: the district's housing bureau co-handles some of them. */
const HOUSING_MATTERS = new Set(["施工噪音", "夜间施工", "加装电梯", "电梯", "私搭乱建", "装修扰民"]);
/** A compound's own matters: its property company co-handles some of them. */
const PROPERTY_MATTERS = new Set(["物业服务", "物业收费", "公共设施维修", "小区停车", "电梯", "供暖", "室温不达标"]);

/**
 * The unit a ticket's first receiver brings in as co-handler (协办), if any: the compound's property
 * company for its own matters (half of them), the district's housing bureau for building work (a third).
 */
function coHandlerFor(ctx: Context, leafName: string, place: Place, co: Random): UnitRef | null {
  const within = (unit: UnitRef) => (place.communityCode ?? place.streetCode).startsWith(unit.regionCode);
  if (PROPERTY_MATTERS.has(leafName)) {
    const company = ctx.propertyCompanies.find(within);
    if (company && co.chance(0.5)) return company;
  }
  if (HOUSING_MATTERS.has(leafName)) {
    const bureau = ctx.departments.find((d) => d.functionKey === "housing" && within(d.unit));
    if (bureau && co.chance(0.35)) return bureau.unit;
  }
  return null;
}

interface Built {
  row: typeof tickets.$inferInsert;
  units: (typeof ticketUnits.$inferInsert)[];
  events: (typeof ticketEvents.$inferInsert)[];
  fts: string;
}

/** Plays one ticket's life forward from `receivedAt`, stopping at `now`. */
function playTicket(
  ctx: Context,
  r: Random,
  id: number,
  number: string,
  input: {
    type: RequestType;
    urgency: Urgency;
    leafName: string;
    place: Place;
    description: string;
    receivedAt: Date;
    progress: number;
    /** Stop after this many steps: open work for the queues (waiting, stalled, overdue). */
    stopAfter?: number;
    reporterUserId?: number;
    reporter?: { name: string; phone: string };
  },
  now: Date,
): Built {
  const leaf = ctx.leaves.get(input.leafName)!;
  const rule = pickTimeLimit(ctx.rules, { urgency: input.urgency, type: input.type, limitClass: leaf.limitClass })!;
  const reporter = input.reporter ?? { name: personName(r), phone: phone(r) };
  let state: TicketState = initialState(input.type);

  const units: Built["units"] = [];
  const events: Built["events"] = [
    {
      ticketId: id,
      at: input.receivedAt,
      actorUserId: ctx.centre.userId,
      actorOrgId: ctx.centre.orgId,
      kind: "received",
      toStatus: "received",
      data: { channel: "phone", source: "intake" },
    },
  ];
  let t = input.receivedAt.getTime();
  /** Applies an action at t + delay unless that is in the future; false when the story stops. */
  let steps = 0;
  const step = (
    delayMs: number,
    action: TicketAction,
    by: "centre" | number,
    region?: string,
    counted = true,
  ): boolean => {
    const at = t + delayMs;
    if (at > now.getTime() || (counted && steps >= (input.stopAfter ?? Infinity))) return false;
    if (counted) steps++;
    const when = new Date(at);
    let decision: Decision;
    try {
      decision = decide(state, action, {
        now: when,
        rule,
        calendar: ctx.calendar,
        extensionCapWorkingDays: ctx.extensionCap,
        byCentre: by === "centre",
        actorRegionCode: region ?? null,
      });
    } catch {
      return false;
    }
    const orgId = by === "centre" ? ctx.centre.orgId : by;
    events.push({
      ticketId: id,
      at: when,
      actorUserId: by === "centre" ? ctx.centre.userId : (ctx.userOf.get(orgId) ?? null),
      actorOrgId: orgId,
      kind: decision.kind,
      fromStatus: state.status,
      toStatus: decision.toStatus,
      data: decision.data,
    });
    if (decision.units?.endLead) for (const u of units) if (u.role === "lead" && !u.endedAt) u.endedAt = when;
    for (const u of decision.units?.add ?? [])
      units.push({ ticketId: id, orgId: u.orgId, role: u.role, assignedAt: when });
    state = { ...state, ...decision.patch, status: decision.toStatus };
    t = at;
    return true;
  };

  // The share of the full loop this ticket gets through: older tickets are further along.
  const story = (): void => {
    if (input.type === "inquiry" && r.chance(0.65)) {
      step(r.between(3, 15) * 60_000, { kind: "answer", reply: "已向来电人解答相关政策和办理渠道" }, "centre");
      return;
    }
    const unit = handlerFor(ctx, leaf, input.place);
    if (!step(r.between(5, 90) * 60_000, { kind: "dispatch", unit }, "centre")) return;
    if (r.chance(0.03)) {
      if (
        !step(
          r.between(1, 6) * HOUR,
          { kind: "request_return", reason: "wrong_area", note: "经核实不属本单位辖区" },
          unit.orgId,
        )
      )
        return;
      if (
        !step(
          r.between(1, 8) * HOUR,
          { kind: "decide_return", decision: "keep", note: "经核实属该单位辖区，不予退单" },
          "centre",
        )
      )
        return;
    }
    if (!step(r.between(0.2, 4) * HOUR, { kind: "accept" }, unit.orgId)) return;
    let lead = unit;
    const community = input.place.communityCode ? ctx.community.get(input.place.communityCode) : undefined;
    if (unit.kind === "street_office" && community && r.chance(0.6)) {
      if (
        !step(
          r.between(0.1, 2) * HOUR,
          { kind: "redispatch", unit: community, note: "请社区先行处置" },
          unit.orgId,
          unit.regionCode,
        )
      )
        return;
      if (!step(r.between(0.1, 3) * HOUR, { kind: "accept" }, community.orgId)) return;
      lead = community;
    }
    // A random stream of the ticket's own, and a step not counted in `stopAfter`: the rest of the demo
    // draws the same numbers and takes the same steps as before co-handling was added (the steps after
    // this one start later by its delay).
    const co = random(0x9e3779b9 ^ id);
    const partner = unit.kind === "street_office" ? coHandlerFor(ctx, leaf.name, input.place, co) : null;
    if (partner && partner.orgId !== lead.orgId)
      step(co.between(0.2, 2) * HOUR, { kind: "add_co_unit", unit: partner }, unit.orgId, unit.regionCode, false);
    // Most units call the reporter within the limit; some are late (the response rate is not 100%).
    const late = r.chance(0.07);
    const contactDelay = late
      ? rule.contactWithinHours * HOUR * r.between(1.1, 3)
      : rule.contactWithinHours * HOUR * r.between(0.05, 0.9);
    if (!step(contactDelay, { kind: "contact", note: "已电话联系诉求人，了解具体情况" }, lead.orgId)) return;
    if (r.chance(0.05)) {
      if (
        !step(
          r.between(1, 3) * DAY,
          { kind: "request_extension", days: 5, reason: "涉及多个部门，需协调处置" },
          lead.orgId,
        )
      )
        return;
      if (!step(r.between(2, 20) * HOUR, { kind: "decide_extension", approve: true, note: "同意延期" }, "centre"))
        return;
    }
    if (r.chance(0.06) && !step(r.between(2, 5) * DAY, { kind: "supervise", note: "请加快办理进度" }, "centre")) return;
    const limitMs = state.deadlineAt ? state.deadlineAt.getTime() - t : 5 * DAY;
    const replyDelay = r.chance(0.08) ? limitMs * r.between(1.05, 1.6) : Math.max(HOUR, limitMs * r.between(0.1, 0.9));
    if (!step(replyDelay, { kind: "reply", content: "已现场核实并处置，情况已向诉求人反馈" }, lead.orgId)) return;
    // Satisfaction improved over the year, as it did in Beijing (DOMAIN.md).
    const p = Math.min(1, Math.max(0, input.progress));
    const resolution = r.weighted([
      ["resolved", 0.8 + 0.12 * p],
      ["partly", 0.06],
      ["unresolved", 0.14 - 0.12 * p],
    ] as const);
    const satisfaction = r.weighted([
      ["satisfied", 0.78 + 0.14 * p],
      ["basic", 0.08],
      ["dissatisfied", 0.14 - 0.12 * p],
    ] as const);
    const scores = () =>
      Math.max(1, Math.min(5, Math.round(r.between(satisfaction === "dissatisfied" ? 1 : 3.5, 5.4))));
    if (
      !step(
        r.between(0.5, 3) * DAY,
        { kind: "callback", resolution, satisfaction, speed: scores(), effect: scores(), attitude: scores() },
        "centre",
      )
    )
      return;
    if (satisfaction === "dissatisfied" && r.chance(0.25)) {
      if (!step(r.between(1, 4) * HOUR, { kind: "reopen", reason: "诉求人反映问题仍未解决" }, "centre")) return;
      if (!step(r.between(0.5, 6) * HOUR, { kind: "accept" }, lead.orgId)) return;
      if (!step(r.between(2, 20) * HOUR, { kind: "contact", note: "重办：再次联系诉求人" }, lead.orgId)) return;
      if (!step(r.between(1, 4) * DAY, { kind: "reply", content: "重办后已再次处置" }, lead.orgId)) return;
      if (
        !step(
          r.between(0.5, 2) * DAY,
          { kind: "callback", resolution: "resolved", satisfaction: "basic", speed: 3, effect: 4, attitude: 4 },
          "centre",
        )
      )
        return;
    }
    step(r.between(0.1, 2) * HOUR, { kind: "close", note: "回访完毕，办结" }, "centre");
  };
  story();

  const row: typeof tickets.$inferInsert = {
    id,
    number,
    source: input.reporterUserId ? "resident" : "intake",
    channel: input.reporterUserId
      ? "web"
      : r.weighted([
          ["phone", 90],
          ["wechat", 5],
          ["app", 3],
          ["web", 2],
        ] as const),
    urgency: input.urgency,
    categoryId: leaf.id,
    description: input.description,
    address: input.place.address,
    lon: input.place.lon,
    lat: input.place.lat,
    districtCode: input.place.districtCode,
    streetCode: input.place.streetCode,
    communityCode: input.place.communityCode,
    reporterName: reporter.name,
    reporterPhone: reporter.phone,
    reporterUserId: input.reporterUserId ?? null,
    receivedAt: input.receivedAt,
    timeLimitId: rule.id,
    updatedAt: new Date(t),
    ...(({ coOrgIds: _co, ...rest }) => rest)(state),
  };
  return { row, units, events, fts: indexText(number, leaf.name, input.description, input.place.address) };
}

async function loadContext(database: Database): Promise<Context> {
  const rules = await currentRules(database.db);
  if (!rules) throw new Error("seed the reference data (time limits) before the demo tickets");
  const leafRows = await database.db
    .select()
    .from(categories)
    .where(sql`${categories.limitClass} is not null`);
  const orgs = await database.db.select().from(organisations);
  const members = await database.db.query.memberships.findMany();
  const operator = await database.db.query.users.findFirst({ where: eq(users.username, "operator") });
  const hotline = orgs.find((o) => o.kind === "hotline_centre")!;
  const ref = (o: (typeof orgs)[number]): UnitRef => ({ orgId: o.id, kind: o.kind, regionCode: o.regionCode });
  return {
    rules: rules.rules,
    extensionCap: rules.version.extensionCapWorkingDays,
    calendar: await loadCalendar(database.db),
    leaves: new Map(
      leafRows.map((c) => [
        c.name,
        {
          id: c.id,
          name: c.name,
          limitClass: c.limitClass!,
          handlerKind: c.handlerKind,
          handlerFunction: c.handlerFunction,
        },
      ]),
    ),
    streetOffice: new Map(orgs.filter((o) => o.kind === "street_office").map((o) => [o.regionCode, ref(o)])),
    community: new Map(orgs.filter((o) => o.kind === "community_committee").map((o) => [o.regionCode, ref(o)])),
    departments: orgs
      .filter((o) => (o.kind === "department" || o.kind === "utility_company") && o.functionKey)
      .map((o) => ({ unit: ref(o), functionKey: o.functionKey! })),
    propertyCompanies: orgs.filter((o) => o.kind === "property_company").map(ref),
    centre: { orgId: hotline.id, userId: operator?.id ?? null },
    userOf: new Map(members.filter((m) => m.orgId != null).map((m) => [m.orgId!, m.userId])),
  };
}

/** Seeds the demo tickets into a database with no tickets yet; returns how many. */
export async function seedDemoTickets(database: Database, now = new Date(), seed = 12345): Promise<number> {
  const [existing] = await database.db.select({ n: count() }).from(tickets);
  if (existing!.n > 0) return 0;
  const ctx = await loadContext(database);
  const r = random(seed);
  const communities = await database.db.select().from(regions).where(eq(regions.level, "community"));
  const streets = await database.db.select().from(regions).where(eq(regions.level, "street"));
  const districts = await database.db.select().from(regions).where(eq(regions.level, "district"));
  const resident = await database.db.query.users.findFirst({ where: eq(users.username, "resident") });
  const [maxId] = await database.db.select({ id: max(tickets.id) }).from(tickets);
  let nextId = (maxId?.id ?? 0) + 1;
  const perDay = new Map<string, number>();
  const numberFor = (at: Date) => {
    const day = beijingDate(at).replaceAll("-", "");
    const n = (perDay.get(day) ?? 0) + 1;
    perDay.set(day, n);
    return `${day}${String(n).padStart(6, "0")}`;
  };

  type Spec = Parameters<typeof playTicket>[4];
  const specs: Spec[] = [];
  const YEAR = 365 * DAY;
  const communityPlace = (code: string, radius: number, address: string): Place => {
    const c = communities.find((x) => x.code === code)!;
    const [lon, lat] = jitter(r, c.lon!, c.lat!, radius);
    return {
      lon,
      lat,
      communityCode: c.code,
      streetCode: c.code.slice(0, 9),
      districtCode: c.code.slice(0, 6),
      address,
    };
  };

  for (const s of scenarios) {
    for (let i = 0; i < s.count; i++) {
      // Rising problems get more calls towards today: sample the age with a square root.
      const ageFraction = s.rising ? 1 - Math.sqrt(r.next()) : r.next();
      const receivedAt = new Date(now.getTime() - ageFraction * s.days * DAY - r.between(0, 3) * HOUR);
      specs.push({
        type: r.weighted([
          ["complaint", 7],
          ["help", 2],
          ["suggestion", 1],
        ] as const),
        urgency: r.chance(0.05) ? "urgent" : "normal",
        leafName: r.weighted(s.leaves),
        place: communityPlace(
          s.community,
          s.radius,
          `${r.pick(s.addresses)}${r.chance(0.5) ? `${Math.ceil(r.between(1, 40))}号` : ""}`,
        ),
        description: r.pick(s.descriptions),
        receivedAt,
        progress: 1 - ageFraction * (s.days / 365),
      });
    }
  }

  const demoStreets = new Set(communities.map((c) => c.code.slice(0, 9)));
  for (let i = 0; i < 2600; i++) {
    const ageFraction = r.next();
    const receivedAt = new Date(now.getTime() - ageFraction * YEAR);
    const leafName = r.weighted(backgroundLeaves);
    let place: Place;
    if (r.chance(0.45)) {
      const c = r.pick(communities);
      place = communityPlace(c.code, 400, `${c.name.replace(/社区$/, "")}${Math.ceil(r.between(1, 30))}号楼`);
    } else {
      // Elsewhere in Beijing: a street of the district, near the district's centre (streets have no geometry).
      const d = r.weighted(districts.map((x) => [x, x.code.startsWith("11010") ? 3 : 1] as const));
      const inDistrict = streets.filter((s) => s.parentCode === d.code && !demoStreets.has(s.code));
      const street = r.pick(inDistrict.length ? inDistrict : streets.filter((s) => s.parentCode === d.code));
      const [lon, lat] = jitter(r, d.lon!, d.lat!, d.code.startsWith("11010") ? 2500 : 6000);
      place = {
        lon,
        lat,
        communityCode: null,
        streetCode: street.code,
        districtCode: d.code,
        address: `${d.name}${street.name}${r.pick(["幸福", "和平", "光明", "振兴", "建设", "团结", "东方", "朝阳"])}${r.pick(["小区", "家园", "里", "胡同", "大街"])}${Math.ceil(r.between(1, 60))}号`,
      };
    }
    const leaf = ctx.leaves.get(leafName)!;
    specs.push({
      type: r.weighted([
        ["complaint", 45],
        ["help", 25],
        ["inquiry", 12],
        ["suggestion", 8],
        ["report", 10],
      ] as const),
      urgency: leaf.limitClass === "utility" && r.chance(0.3) ? "urgent" : r.chance(0.015) ? "emergency" : "normal",
      leafName,
      place,
      description: backgroundText(r, leafName),
      receivedAt,
      progress: 1 - ageFraction,
    });
  }

  // The demo resident's own calls, so their account has a history.
  if (resident) {
    for (const [days, leafName, text] of [
      [40, "占道停车", "我家门口西河沿街上总有车停着不走，老人轮椅出不去"],
      [9, "垃圾清运", "西河沿社区垃圾桶满了没人清运"],
      [1, "树木修剪", "院里大树枝杈伸到窗户上，刮风时很危险"],
    ] as const) {
      specs.push({
        type: "complaint",
        urgency: "normal",
        leafName,
        place: communityPlace("110102013901", 150, "西城区西河沿街112号院"),
        description: text,
        receivedAt: new Date(now.getTime() - days * DAY),
        progress: 1,
        reporterUserId: resident.id,
        reporter: { name: resident.displayName, phone: resident.phone ?? phone(r) },
      });
    }
  }

  specs.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
  // Leave work open: the last days' tickets wait at every stage, and a few older ones stall past their deadline.
  for (const spec of specs) {
    const age = now.getTime() - spec.receivedAt.getTime();
    if (age < 3 * DAY && r.chance(0.7)) spec.stopAfter = Math.floor(r.between(0, 3));
    else if (age < 40 * DAY && r.chance(0.04)) spec.stopAfter = Math.floor(r.between(2, 5));
  }
  const built = specs.map((spec) => {
    const id = nextId++;
    return playTicket(ctx, r, id, numberFor(spec.receivedAt), spec, now);
  });

  await database.write(async (tx) => {
    const chunk = <T>(rows: T[], size: number) =>
      Array.from({ length: Math.ceil(rows.length / size) }, (_, i) => rows.slice(i * size, (i + 1) * size));
    for (const part of chunk(
      built.map((b) => b.row),
      500,
    ))
      await tx.insert(tickets).values(part);
    for (const part of chunk(
      built.flatMap((b) => b.units),
      1000,
    ))
      await tx.insert(ticketUnits).values(part);
    for (const part of chunk(
      built.flatMap((b) => b.events),
      1000,
    ))
      await tx.insert(ticketEvents).values(part);
    for (const part of chunk(built, 500)) {
      await tx.run(
        sql`insert into ticket_fts(rowid, tokens) values ${sql.join(
          part.map((b) => sql`(${b.row.id}, ${b.fts})`),
          sql`, `,
        )}`,
      );
    }
  });
  return built.length;
}
