/**
 * A believable demo: the organisations of DOMAIN.md's council examples and
 * one account per role. Passwords are `roundtable-demo` — demo only; the
 * README says so and SEED_DEMO=0 turns the demo off.
 */
import { count, eq } from "drizzle-orm";
import type { Database } from "../client";
import { governanceStreets, memberships, organisations, regions, users, type OrgKind, type Role } from "../schema";
import { hashPassword } from "../../server/identity/passwords";
import { audit } from "../../server/identity/audit";
import { beijingDate } from "../../server/tickets/calendar";
import type { HandlerFunction } from "./taxonomy";

export const DEMO_PASSWORD = "roundtable-demo";

interface DemoOrg {
  key: string;
  name: string;
  kind: OrgKind;
  regionCode: string;
  /** Departments and utilities: what dispatch matches against a category's handler function. */
  functionKey?: HandlerFunction;
}

const demoOrgs: DemoOrg[] = [
  { key: "hotline", name: "北京市12345市民服务热线中心", kind: "hotline_centre", regionCode: "110000" },
  { key: "dashilar", name: "大栅栏街道办事处", kind: "street_office", regionCode: "110102013" },
  { key: "baizhifang", name: "白纸坊街道办事处", kind: "street_office", regionCode: "110102019" },
  { key: "desheng", name: "德胜街道办事处", kind: "street_office", regionCode: "110102010" },
  { key: "xinjiekou", name: "新街口街道办事处", kind: "street_office", regionCode: "110102003" },
  { key: "shuguang", name: "曙光街道办事处", kind: "street_office", regionCode: "110108025" },
  { key: "bajiao", name: "八角街道办事处", kind: "street_office", regionCode: "110107003" },
  { key: "lugu", name: "鲁谷街道办事处", kind: "street_office", regionCode: "110107011" },
  { key: "xiheyan", name: "西河沿社区居委会", kind: "community_committee", regionCode: "110102013901" },
  { key: "xinanzhongli", name: "新安中里社区居委会", kind: "community_committee", regionCode: "110102019901" },
  { key: "huangsi24", name: "黄寺大街24号院社区居委会", kind: "community_committee", regionCode: "110102010901" },
  { key: "shuangqigan", name: "双旗杆社区居委会", kind: "community_committee", regionCode: "110102010902" },
  { key: "xisibei3", name: "西四北三条社区居委会", kind: "community_committee", regionCode: "110102003901" },
  { key: "shuguanghuayuan", name: "曙光花园社区居委会", kind: "community_committee", regionCode: "110108025901" },
  { key: "jinhuiyuan", name: "金辉苑社区居委会", kind: "community_committee", regionCode: "110107003901" },
  { key: "liuheyuan", name: "六合园社区居委会", kind: "community_committee", regionCode: "110107011901" },
  {
    key: "housing",
    name: "西城区住房和城市建设委员会",
    kind: "department",
    regionCode: "110102",
    functionKey: "housing",
  },
  {
    key: "enforcement",
    name: "西城区城市管理综合行政执法局",
    kind: "department",
    regionCode: "110102",
    functionKey: "urban_management",
  },
  {
    key: "traffic",
    name: "北京市公安局公安交通管理局西城交通支队",
    kind: "department",
    regionCode: "110102",
    functionKey: "traffic",
  },
  { key: "ecology", name: "北京市西城区生态环境局", kind: "department", regionCode: "110102", functionKey: "ecology" },
  {
    key: "market",
    name: "北京市西城区市场监督管理局",
    kind: "department",
    regionCode: "110102",
    functionKey: "market",
  },
  {
    key: "housingadmin",
    name: "西城区房屋管理局",
    kind: "department",
    regionCode: "110102",
    functionKey: "housing_admin",
  },
  {
    key: "haidianum",
    name: "海淀区城市管理委员会",
    kind: "department",
    regionCode: "110108",
    functionKey: "urban_management",
  },
  { key: "property1", name: "北京宣房大德物业管理有限公司", kind: "property_company", regionCode: "110102013" },
  { key: "property2", name: "北京德胜金泰物业服务有限公司", kind: "property_company", regionCode: "110102010" },
  { key: "property3", name: "北京华清物业管理有限公司", kind: "property_company", regionCode: "110102010" },
  { key: "property4", name: "北京曙光物业服务有限公司", kind: "property_company", regionCode: "110108025901" },
  { key: "owners", name: "曙光花园业主委员会", kind: "owners_committee", regionCode: "110108025901" },
  { key: "cobuild", name: "大栅栏商会", kind: "co_building_unit", regionCode: "110102013" },
  // Appended, so the ids of the organisations above stay as they were.
  // City-wide utilities (水电气热): no demo accounts, but tickets can be dispatched to them.
  { key: "water", name: "北京市自来水集团", kind: "utility_company", regionCode: "110000", functionKey: "water" },
  { key: "power", name: "国网北京市电力公司", kind: "utility_company", regionCode: "110000", functionKey: "power" },
  { key: "gas", name: "北京燃气集团", kind: "utility_company", regionCode: "110000", functionKey: "gas" },
  { key: "heating", name: "北京热力集团", kind: "utility_company", regionCode: "110000", functionKey: "heating" },
  // The sixth party of 曙光花园's "community partners" (DOMAIN.md): the street's co-building units.
  { key: "shuguangcobuild", name: "曙光街道共建单位联盟", kind: "co_building_unit", regionCode: "110108025" },
];

interface DemoUser {
  username: string;
  displayName: string;
  role: Role;
  org?: string;
  regionCode?: string;
  manager?: boolean;
  phone?: string;
}

/**
 * Governance-type streets 治理类街乡镇 of the demo, entered some months ago. 大栅栏
 * (the 西河沿 parking calls) is left off on purpose: it tops the monthly volume
 * ranking, so the demo shows its 预警约谈.
 */
export const demoGovernanceStreets = [
  { streetCode: "110102019", reason: "车库噪音、老旧小区改造类诉求连续三个月居全区前列", daysAgo: 150 },
  { streetCode: "110108025", reason: "垃圾清运与分类诉求集中，2025 年全年工单量居全市前十", daysAgo: 300 },
  { streetCode: "110107003", reason: "群租房与违法建设诉求多年高位，纳入治理类街乡镇", daysAgo: 60 },
];

export const demoUsers: DemoUser[] = [
  { username: "admin", displayName: "系统管理员", role: "admin" },
  { username: "operator", displayName: "王晓敏", role: "operator", org: "hotline", manager: true },
  { username: "street", displayName: "李建国", role: "street_officer", org: "dashilar", manager: true },
  { username: "secretary", displayName: "张丽华", role: "community_secretary", org: "xiheyan", manager: true },
  { username: "worker", displayName: "赵明", role: "community_worker", org: "xiheyan" },
  { username: "housing", displayName: "陈志强", role: "department_officer", org: "housing", manager: true },
  { username: "property", displayName: "刘伟", role: "property_manager", org: "property1", manager: true },
  { username: "committee", displayName: "孙桂英", role: "committee_member", org: "owners", manager: true },
  { username: "resident", displayName: "周大爷", role: "resident", regionCode: "110102013901", phone: "13812345678" },
];

/** 东华门街道 → 东华门街道办事处; 永定镇 → 永定镇人民政府 (a township's government is its office). */
export function streetOfficeName(name: string): string {
  return /[镇乡]$/.test(name) ? `${name}人民政府` : `${name}办事处`;
}

/** Seeds the demo into an empty database; returns false when users already exist. */
export async function seedDemo(database: Database): Promise<boolean> {
  const [existing] = await database.db.select({ n: count() }).from(users);
  if (existing!.n > 0) return false;
  const passwordHashes = await Promise.all(demoUsers.map(() => hashPassword(DEMO_PASSWORD)));
  await database.write(async (tx) => {
    const orgIds = new Map<string, number>();
    for (const o of demoOrgs) {
      const [row] = await tx
        .insert(organisations)
        .values({ name: o.name, kind: o.kind, regionCode: o.regionCode, functionKey: o.functionKey ?? null })
        .returning({ id: organisations.id });
      orgIds.set(o.key, row!.id);
    }
    // Every street-level unit receives dispatched tickets: each gets its office (without accounts),
    // appended after the named organisations so their ids stay put.
    const named = new Set(demoOrgs.filter((o) => o.kind === "street_office").map((o) => o.regionCode));
    const streets = await tx.select().from(regions).where(eq(regions.level, "street"));
    const offices = streets
      .filter((s) => !named.has(s.code))
      .map((s) => ({ name: streetOfficeName(s.name), kind: "street_office" as const, regionCode: s.code }));
    for (let i = 0; i < offices.length; i += 200) await tx.insert(organisations).values(offices.slice(i, i + 200));
    for (const [i, u] of demoUsers.entries()) {
      const [row] = await tx
        .insert(users)
        .values({
          username: u.username,
          displayName: u.displayName,
          passwordHash: passwordHashes[i]!,
          phone: u.phone ?? null,
        })
        .returning({ id: users.id });
      await tx.insert(memberships).values({
        userId: row!.id,
        role: u.role,
        orgId: u.org ? orgIds.get(u.org)! : null,
        regionCode: u.regionCode ?? null,
        manager: u.manager ?? false,
      });
    }
    const operator = await tx.select({ id: users.id }).from(users).where(eq(users.username, "operator")).get();
    const now = Date.now();
    await tx.insert(governanceStreets).values(
      demoGovernanceStreets.map((g) => ({
        streetCode: g.streetCode,
        reason: g.reason,
        enteredOn: beijingDate(new Date(now - g.daysAgo * 86_400_000)),
        addedBy: operator!.id,
        createdAt: new Date(now - g.daysAgo * 86_400_000),
      })),
    );
    await audit(tx, {
      actorUserId: null,
      action: "demo.seeded",
      entity: "system",
      detail: { organisations: demoOrgs.length, users: demoUsers.length },
    });
  });
  return true;
}
