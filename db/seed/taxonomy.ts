/**
 * The tickets domain's reference data, seeded into its tables: the category
 * tree with its dispatch catalogue (派单目录), the first time-limit version,
 * the first score weights. DOMAIN.md: every number here is configuration with
 * a default, never a constant the code relies on — admins version and amend
 * these rows; the seed only runs into empty tables.
 */
import { count } from "drizzle-orm";
import type { Database } from "../client";
import {
  categories,
  scoreWeightVersions,
  timeLimits,
  timeLimitVersions,
  type HandlerKind,
  type LimitClass,
} from "../schema";

/**
 * The functions (职能) a department or utility company performs. A leaf's
 * `handlerFunction` names one, and an organisation's function key says which it
 * performs, so dispatch can find "the district's 住建委" without naming it.
 */
export const handlerFunctions = [
  "housing",
  "housing_admin",
  "urban_management",
  "traffic",
  "transport",
  "ecology",
  "market",
  "water",
  "power",
  "gas",
  "heating",
  "water_affairs",
  "landscaping",
  "planning",
  "health",
  "medical_insurance",
  "education",
  "human_resources",
  "civil_affairs",
  "public_security",
  "agriculture",
] as const;
export type HandlerFunction = (typeof handlerFunctions)[number];

export function isHandlerFunction(value: string): value is HandlerFunction {
  return (handlerFunctions as readonly string[]).includes(value);
}

export interface LeafSpec {
  name: string;
  handlerKind: HandlerKind;
  handlerFunction: HandlerFunction | null;
  limitClass: LimitClass;
}
export interface BranchSpec {
  name: string;
  children: LeafSpec[];
}
export interface ClassSpec {
  name: string;
  children: BranchSpec[];
}

// Beijing dispatches most tickets to the street (属地, 直派街乡镇) — since 2019
// street-level enforcement (街乡综合执法) took over most 城管 work — so street is
// the default; departments and utilities get what a street cannot act on.
const street = (name: string, limitClass: LimitClass = "general"): LeafSpec => ({
  name,
  handlerKind: "street",
  handlerFunction: null,
  limitClass,
});
const district = (name: string, fn: HandlerFunction, limitClass: LimitClass = "general"): LeafSpec => ({
  name,
  handlerKind: "district_department",
  handlerFunction: fn,
  limitClass,
});
const city = (name: string, fn: HandlerFunction, limitClass: LimitClass = "general"): LeafSpec => ({
  name,
  handlerKind: "city_department",
  handlerFunction: fn,
  limitClass,
});
// 水电气热 run on hours, not working days (DOMAIN.md, time limits).
const utility = (name: string, fn: "water" | "power" | "gas" | "heating"): LeafSpec => ({
  name,
  handlerKind: "utility_company",
  handlerFunction: fn,
  limitClass: "utility",
});

/**
 * The tree, level 1 ordered by Beijing's volume (DOMAIN.md), then 环境保护 and
 * 农业农村. The exact paths are our choice (C). Codes come from positions:
 * append new entries at the end of their list — reordering would renumber a
 * fresh database, and imports map by code.
 */
export const taxonomy: ClassSpec[] = [
  {
    name: "市场管理",
    children: [
      {
        name: "消费纠纷",
        children: [
          district("商品质量", "market"),
          district("退换货", "market"),
          district("预付卡退费", "market", "complex"),
          district("网络购物", "market"),
        ],
      },
      {
        name: "食品安全",
        children: [
          district("餐饮卫生", "market"),
          district("过期变质食品", "market"),
          district("无证食品经营", "market"),
          district("网络订餐", "market"),
        ],
      },
      {
        name: "价格",
        children: [district("价格欺诈", "market"), district("明码标价", "market"), district("停车收费", "market")],
      },
      {
        name: "市场秩序",
        children: [
          street("无照经营"),
          street("占道经营"),
          street("早市夜市"),
          street("废品回收站"),
          district("特种设备安全", "market"),
        ],
      },
    ],
  },
  {
    name: "公共服务",
    children: [
      {
        name: "供水",
        children: [
          utility("停水", "water"),
          utility("水压低", "water"),
          utility("水质问题", "water"),
          utility("供水管线漏水", "water"),
        ],
      },
      {
        name: "供电",
        children: [utility("停电", "power"), utility("电压不稳", "power"), utility("电力设施损坏", "power")],
      },
      {
        name: "燃气",
        children: [utility("燃气停气", "gas"), utility("燃气泄漏", "gas"), utility("燃气表具及缴费", "gas")],
      },
      {
        name: "供热",
        children: [utility("室温不达标", "heating"), utility("停暖", "heating"), utility("供热管线漏水", "heating")],
      },
      {
        name: "排水",
        children: [
          street("污水外溢"),
          street("下水道堵塞"),
          street("化粪池清掏"),
          district("雨水管网积水", "water_affairs"),
        ],
      },
    ],
  },
  {
    name: "住房",
    children: [
      {
        name: "房屋安全",
        children: [
          district("危房", "housing", "complex"),
          district("房屋结构安全", "housing", "complex"),
          street("房屋渗漏", "complex"),
          street("外墙及附属物脱落", "complex"),
        ],
      },
      {
        name: "老旧小区改造",
        children: [
          street("改造进度", "complex"),
          district("改造施工质量", "housing", "complex"),
          street("加装电梯", "complex"),
          street("管线改造", "complex"),
        ],
      },
      {
        name: "房屋租赁",
        children: [
          district("租赁纠纷", "housing_admin"),
          district("中介服务", "housing_admin"),
          district("押金退还", "housing_admin"),
        ],
      },
      {
        name: "房屋产权与征收",
        children: [
          city("不动产登记", "planning"),
          district("房产证办理", "housing_admin", "complex"),
          district("直管公房管理", "housing_admin"),
          // 平房院落申请式腾退 and similar: the street runs them, over months.
          street("拆迁补偿", "complex"),
          street("腾退安置", "complex"),
        ],
      },
      {
        name: "保障性住房",
        children: [district("公租房申请", "housing"), district("保障房配租", "housing"), street("保障房资格审核")],
      },
    ],
  },
  {
    name: "医疗卫生",
    children: [
      {
        name: "医疗服务",
        children: [
          district("医疗纠纷", "health", "complex"),
          district("挂号就诊", "health"),
          district("医疗收费", "health"),
          district("药品质量", "market"),
          district("药店经营", "market"),
        ],
      },
      {
        name: "公共卫生",
        children: [street("病媒生物防治"), district("传染病防控", "health")],
      },
      {
        name: "医疗保障",
        children: [city("医保报销", "medical_insurance"), city("医保卡", "medical_insurance")],
      },
    ],
  },
  {
    name: "城乡建设",
    children: [
      {
        name: "物业管理",
        children: [
          street("物业服务"),
          street("物业收费"),
          street("公共设施维修"),
          street("电梯"),
          // Compounds with their own boiler room (自管供热): the property
          // company heats, the street answers for it — on a utility's clock.
          street("供暖", "utility"),
          street("停车"),
          street("门禁及监控"),
          street("物业撤场与接管", "complex"),
          street("业委会组建"),
        ],
      },
      {
        name: "施工管理",
        children: [street("施工噪音"), street("施工扬尘"), street("夜间施工"), street("施工占道"), street("渣土遗撒")],
      },
      {
        name: "违法建设",
        children: [street("私搭乱建"), street("违建拆除", "complex"), street("地下空间违规使用")],
      },
      {
        name: "市政设施",
        children: [
          street("道路破损"),
          district("路灯", "urban_management"),
          street("井盖缺失破损"),
          street("公共厕所"),
          street("无障碍设施"),
          street("健身器材"),
        ],
      },
      {
        name: "园林绿化",
        children: [
          street("树木修剪"),
          street("绿地养护"),
          street("毁绿占绿"),
          street("病虫害防治"),
          district("古树名木", "landscaping"),
        ],
      },
      {
        name: "垃圾分类",
        children: [street("分类投放"), street("垃圾清运"), street("桶站设置")],
      },
      {
        name: "环境卫生",
        children: [street("卫生死角"), street("道路清扫"), street("装修垃圾"), street("小广告"), street("积雪清扫")],
      },
    ],
  },
  {
    name: "交通管理",
    children: [
      {
        name: "停车管理",
        children: [
          street("占道停车"),
          street("小区停车"),
          district("违章停车", "traffic"),
          street("僵尸车"),
          street("私装地锁"),
        ],
      },
      {
        name: "道路交通",
        children: [
          district("交通拥堵", "traffic"),
          district("信号灯故障", "traffic"),
          district("交通标志标线", "traffic"),
        ],
      },
      {
        name: "公共交通",
        children: [
          city("公交线路站点", "transport"),
          city("地铁服务", "transport"),
          city("出租车及网约车", "transport"),
        ],
      },
      {
        name: "非机动车",
        children: [street("共享单车乱停放"), street("电动自行车充电"), district("电动自行车登记", "traffic")],
      },
    ],
  },
  {
    name: "社会秩序",
    children: [
      {
        name: "扰民",
        children: [street("广场舞扰民"), street("装修扰民"), street("宠物扰民")],
      },
      {
        name: "群租房",
        children: [street("群租房"), street("地下室住人")],
      },
      {
        name: "治安",
        // 文明养犬 is a community matter; licensing stays with the police.
        children: [district("治安隐患", "public_security"), street("违规养犬")],
      },
      {
        name: "消防安全",
        children: [street("消防通道堵塞"), street("楼道堆物"), street("消防设施损坏"), street("电动车进楼入户")],
      },
    ],
  },
  {
    name: "劳动和社会保障",
    children: [
      {
        name: "劳动就业",
        children: [
          district("拖欠工资", "human_resources"),
          district("劳动合同", "human_resources"),
          district("工伤认定", "human_resources", "complex"),
          district("就业服务", "human_resources"),
          district("职业培训", "human_resources"),
        ],
      },
      {
        name: "社会保险",
        children: [district("社保缴纳", "human_resources"), district("养老金领取", "human_resources")],
      },
      {
        name: "养老服务",
        children: [street("养老驿站"), street("养老补贴"), district("养老机构", "civil_affairs")],
      },
      {
        name: "社会救助",
        children: [street("最低生活保障"), street("临时救助")],
      },
    ],
  },
  {
    name: "教育",
    children: [
      {
        name: "学校管理",
        children: [
          district("幼儿园入园", "education"),
          district("中小学入学", "education"),
          district("学校收费", "education"),
        ],
      },
      {
        name: "校外培训",
        children: [district("违规培训", "education"), district("培训退费", "education", "complex")],
      },
      {
        name: "校园周边",
        children: [district("校园周边交通", "traffic"), street("校园周边环境")],
      },
    ],
  },
  {
    name: "环境保护",
    children: [
      {
        name: "噪音",
        children: [street("商业噪音"), street("生活噪音"), street("车库噪音"), district("工业噪音", "ecology")],
      },
      {
        name: "大气污染",
        children: [street("餐饮油烟"), street("露天烧烤"), street("露天焚烧"), district("工业废气", "ecology")],
      },
      {
        name: "水污染",
        children: [district("河道污染", "water_affairs"), district("污水直排", "ecology")],
      },
    ],
  },
  {
    name: "农业农村",
    children: [
      {
        name: "农村管理",
        // Townships keep the village accounts (乡镇农经站), so collective matters are 属地 too.
        children: [street("宅基地"), street("村务公开"), street("集体经济", "complex"), street("农村人居环境")],
      },
      {
        name: "农业生产",
        children: [district("农业补贴", "agriculture"), district("动物防疫", "agriculture")],
      },
    ],
  },
];

const code = (...positions: number[]) => positions.map((p) => String(p + 1).padStart(2, "0")).join(".");

/** Seeds the category tree once; returns the number of categories inserted (0 if any exist). */
export async function seedTaxonomy(database: Database): Promise<number> {
  const [existing] = await database.db.select({ n: count() }).from(categories);
  if (existing!.n > 0) return 0;
  return database.write(async (tx) => {
    let inserted = 0;
    for (const [i, top] of taxonomy.entries()) {
      const [l1] = await tx
        .insert(categories)
        .values({ level: 1, code: code(i), name: top.name })
        .returning({ id: categories.id });
      inserted++;
      for (const [j, branch] of top.children.entries()) {
        const [l2] = await tx
          .insert(categories)
          .values({ level: 2, parentId: l1!.id, code: code(i, j), name: branch.name })
          .returning({ id: categories.id });
        inserted++;
        await tx.insert(categories).values(
          branch.children.map((leaf, k) => ({
            level: 3,
            parentId: l2!.id,
            code: code(i, j, k),
            name: leaf.name,
            handlerKind: leaf.handlerKind,
            handlerFunction: leaf.handlerFunction,
            limitClass: leaf.limitClass,
          })),
        );
        inserted += branch.children.length;
      }
    }
    return inserted;
  });
}

type TimeLimitRow = Omit<typeof timeLimits.$inferInsert, "id" | "versionId">;

/**
 * The first rule set (DOMAIN.md: emergencies 2 hours, 水电气热 24 hours,
 * general 7 days, complex up to 15). The most specific matching row wins, so
 * the urgency rows override any type or class. Contact limits feed the response
 * rate (先行联系).
 */
export const defaultTimeLimits: TimeLimitRow[] = [
  { urgency: "emergency", amount: 2, unit: "hours", contactWithinHours: 1 },
  { urgency: "urgent", amount: 24, unit: "hours", contactWithinHours: 2 },
  { urgency: "normal", limitClass: "utility", amount: 24, unit: "hours", contactWithinHours: 2 },
  { urgency: "normal", limitClass: "general", amount: 7, unit: "working_days", contactWithinHours: 24 },
  { urgency: "normal", limitClass: "complex", amount: 15, unit: "working_days", contactWithinHours: 24 },
  { urgency: "normal", requestType: "suggestion", amount: 15, unit: "working_days", contactWithinHours: 48 },
  { urgency: "normal", requestType: "inquiry", amount: 3, unit: "working_days", contactWithinHours: 24 },
];

/** Seeds the first time-limit version once; returns the number of rules inserted. */
export async function seedTimeLimits(database: Database): Promise<number> {
  const [existing] = await database.db.select({ n: count() }).from(timeLimitVersions);
  if (existing!.n > 0) return 0;
  await database.write(async (tx) => {
    const [version] = await tx
      .insert(timeLimitVersions)
      .values({
        note:
          "2026 默认时限：系统预置的默认值（特急2小时、紧急24小时、水电气热24小时、一般7个工作日、" +
          "疑难复杂15个工作日；建议15个、咨询3个工作日），可由管理员按本市规定新建版本调整。",
        extensionCapWorkingDays: 15,
      })
      .returning({ id: timeLimitVersions.id });
    await tx.insert(timeLimits).values(defaultTimeLimits.map((r) => ({ ...r, versionId: version!.id })));
  });
  return defaultTimeLimits.length;
}

/** Seeds the first score weights once; returns the number of versions inserted. */
export async function seedScoreWeights(database: Database): Promise<number> {
  const [existing] = await database.db.select({ n: count() }).from(scoreWeightVersions);
  if (existing!.n > 0) return 0;
  await database.write(async (tx) => {
    // Beijing's monthly 三率 assessment began in 2019; the exact weights and
    // credits are not public (DOMAIN.md (C)), so these are our defaults.
    await tx.insert(scoreWeightVersions).values({
      effectiveFrom: "2019-01",
      response: 30,
      resolution: 35,
      satisfaction: 35,
      partialCredit: 0.5,
      basicCredit: 0.8,
      note:
        "默认配置（可调整）：综合得分 = 响应率×30% + 解决率×35% + 满意率×35%；" +
        "“部分解决”按0.5件计入已解决，“基本满意”按0.8件计入满意。" +
        "权重与折算系数均为配置数据，按本市当年考核办法新建版本修改，不改代码。",
    });
  });
  return 1;
}
