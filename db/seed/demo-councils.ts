/**
 * DOMAIN.md's council examples as demo councils, each at a different stage,
 * played through the real services (so every stage change, report, ballot,
 * signature and ticket event is what the portal itself would have written):
 * - 西河沿 overtime parking: decided, its plan signed by every party, implemented, now in residents' review,
 *   with the parties' commitments done, under way and one overdue;
 * - 新安中里 garage noise: whistled, two departments reported, one not yet;
 * - 黄寺大街24号院's 30-metre road: three property units deliberating, meeting scheduled;
 * - 曙光花园 waste sorting: six parties, decision by consensus, in implementation.
 * The other councils that reached deliberation have their plan (一方案三清单, empty: the
 * parties write it in the live editor).
 * Communities without demo accounts act through the admin account holding that
 * community's (or department's) role for the occasion: the history names the
 * admin as the person and the community as the unit, which is what happened.
 */
import { and, asc, eq, lt } from "drizzle-orm";
import type { Database } from "../client";
import { councils, organisations, planCommitments, tickets, users, type OrgKind, type Role } from "../schema";
import {
  blowWhistle,
  castBallot,
  changeStage,
  closeVoting,
  createCouncil,
  getCouncil,
  openVoting,
  publishDecision,
  recordAttendance,
  recordDecision,
  recordMinutes,
  reportToWhistle,
  reviewOutcome,
  scheduleMeeting,
  signDecision,
} from "../../server/councils";
import { loadActor } from "../../server/identity/sessions";
import { createDocumentServer } from "../../realtime/documents";
import { listRows, newRow, planDocumentName, writeText } from "../../realtime/plan-document";
import { createDocumentStore } from "../../realtime/store";
import { createPlan, freezeVersion, signVersion, updateCommitment } from "../../server/plans";
import { beijingDate } from "../../server/tickets";
import type { Actor } from "../../server/identity/permissions";

const DAY = 24 * 60 * 60 * 1000;

/** YYYY-MM-DDTHH:mm in Beijing, as the meeting form sends it. */
const localBeijing = (at: Date) => new Date(at.getTime() + 8 * 60 * 60 * 1000).toISOString().slice(0, 16);

/** Seeds the four councils once (when there are none); returns how many were written. */
export async function seedDemoCouncils(database: Database, now = new Date()): Promise<number> {
  if (await database.db.select({ id: councils.id }).from(councils).get()) return 0;
  const db = database.db;
  const orgRows = await db
    .select({
      id: organisations.id,
      name: organisations.name,
      kind: organisations.kind,
      regionCode: organisations.regionCode,
    })
    .from(organisations);
  const org = (name: string) => {
    const row = orgRows.find((o) => o.name === name);
    if (!row) throw new Error(`demo organisation missing: ${name}`);
    return row;
  };
  const actorOf = async (username: string): Promise<Actor> => {
    const user = await db.query.users.findFirst({ where: eq(users.username, username) });
    const actor = user && (await loadActor(database, user.id));
    if (!actor) throw new Error(`demo user missing: ${username}`);
    return actor;
  };
  const admin = await actorOf("admin");
  /** The admin acting in a unit's role (see the file comment). */
  const as = (name: string, role: Role): Actor => {
    const o = org(name);
    return {
      ...admin,
      grants: [{ role, orgId: o.id, orgKind: o.kind as OrgKind, regionCode: o.regionCode, manager: false }],
    };
  };
  const at = (days: number, hour = 10) => {
    const d = new Date(now.getTime() - days * DAY);
    return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour - 8));
  };
  /** A community's latest tickets received before `before` whose words match: the calls the council settles. */
  const ticketsOf = async (community: string, words: string[], before: Date, limit: number) => {
    const rows = await db
      .select({ number: tickets.number, description: tickets.description })
      .from(tickets)
      .where(and(eq(tickets.communityCode, community), lt(tickets.receivedAt, before)))
      .orderBy(asc(tickets.receivedAt));
    return rows
      .filter((r) => words.some((w) => r.description.includes(w)))
      .slice(-limit)
      .map((r) => r.number)
      .join(" ");
  };
  /**
   * 西河沿's plan as the parties wrote it after the vote, signed by every party two days later: the last
   * signature makes each party's tasks its commitments and moves the council to implementation. Then the
   * work as the parties reported it — two tasks done, two under way, the property company's signs overdue.
   */
  const seedXiheyanPlan = async () => {
    const day = (days: number) => beijingDate(new Date(now.getTime() + days * DAY));
    const units = {
      community: "西河沿社区居委会",
      traffic: "北京市公安局公安交通管理局西城交通支队",
      enforcement: "西城区城市管理综合行政执法局",
      property: "北京宣房大德物业管理有限公司",
    };
    const tasks: { unit: keyof typeof units; task: string; target: string; deadline: string }[] = [
      { unit: "community", task: "入户宣传错时停车", target: "300户", deadline: day(-25) },
      { unit: "traffic", task: "施划夜间临时泊位", target: "40个", deadline: day(-20) },
      { unit: "enforcement", task: "白天占道停车巡查", target: "每日两次", deadline: day(45) },
      { unit: "property", task: "夜间车辆引导", target: "每晚19:00—21:00", deadline: day(20) },
      { unit: "property", task: "设置错时停车提示牌", target: "6块", deadline: day(-3) },
    ];
    const secretary = await actorOf("secretary");
    const signers = [
      secretary,
      await actorOf("property"),
      as(units.traffic, "department_officer"),
      as(units.enforcement, "department_officer"),
    ];
    const documents = createDocumentServer(createDocumentStore(database), { log: () => undefined });
    try {
      await documents.change(planDocumentName(xiheyanPlan), (doc) => {
        writeText(doc, [
          "一、问题：西河沿街两侧车辆长时间占道停放，早晚高峰通行困难，救护车进出受阻。",
          "二、措施：实行夜间（19:00—次日7:00）错时停车，施划临时泊位，白天加强巡查，物业引导车辆。",
          "三、监督：社区每月公示落实情况，居民代表参与评价。",
        ]);
        listRows(doc, "problems").push([
          newRow({ problem: "早晚高峰占道停车", location: "西河沿街", cause: "周边车位不足" }),
          newRow({ problem: "救护车通道受阻", location: "西河沿街东口", cause: "夜间车辆无序停放" }),
        ]);
      });
      for (const [unit, name] of Object.entries(units))
        await documents.change(planDocumentName(xiheyanPlan, org(name).id), (doc) =>
          listRows(doc, "tasks").push(
            tasks
              .filter((t) => t.unit === unit)
              .map(({ task, target, deadline }) => newRow({ task, target, deadline })),
          ),
        );
      const version = await freezeVersion(database, documents, secretary, xiheyanPlan, at(29, 15));
      for (const signer of signers) await signVersion(database, documents, signer, xiheyanPlan, version.id, at(28));
    } finally {
      // Stored as snapshots, as a server leaves its documents when it shuts down: no log rows behind.
      await documents.settle();
      await documents.close();
    }
    const commitment = async (task: string) =>
      (await db
        .select()
        .from(planCommitments)
        .where(and(eq(planCommitments.planId, xiheyanPlan), eq(planCommitments.task, task)))
        .get())!.id;
    const reports: [Actor, string, object, Date][] = [
      [secretary, "入户宣传错时停车", { status: "done", progress: 100, note: "已走访300户，张贴告示12处" }, at(24)],
      [signers[2]!, "施划夜间临时泊位", { status: "done", progress: 100, note: "40个临时泊位已施划完毕" }, at(19)],
      [
        signers[3]!,
        "白天占道停车巡查",
        { status: "in_progress", progress: 50, note: "每日两次巡查，已劝离占道车辆86辆次" },
        at(5),
      ],
      [signers[1]!, "夜间车辆引导", { status: "in_progress", progress: 60, note: "安排两名保安每晚引导" }, at(7)],
    ];
    for (const [actor, task, report, when] of reports)
      await updateCommitment(database, actor, await commitment(task), report, when);
  };
  const firstItem = async (actor: Actor, councilId: number) => {
    const detail = await getCouncil(database, actor, councilId);
    const meeting = detail.meetings.at(-1)!;
    return { meetingId: meeting.id, itemId: meeting.items[0]!.id, members: detail.members };
  };

  // 西河沿: the resident's own parking call is among the tickets, so their account shows the decision.
  const secretary = await actorOf("secretary");
  const property = await actorOf("property");
  const resident = await actorOf("resident");
  const residentCall = await db
    .select({ number: tickets.number })
    .from(tickets)
    .where(and(eq(tickets.reporterUserId, resident.userId), eq(tickets.communityCode, "110102013901")))
    .orderBy(asc(tickets.receivedAt))
    .get();
  const xiheyan = await createCouncil(
    database,
    secretary,
    {
      title: "西河沿街超时停车圆桌会议",
      description:
        "西河沿街两侧车辆长时间占道停放，早晚高峰通行困难，救护车进出受阻。请交通支队、城管执法、物业和居民代表共同商议停车秩序。",
      regionCode: "110102013901",
      address: "西城区前门西河沿街 西河沿社区居委会",
      ticketNumbers: `${residentCall?.number ?? ""} ${await ticketsOf("110102013901", ["停"], at(35), 4)}`,
      cooperatingOrgIds: [
        org("北京市公安局公安交通管理局西城交通支队").id,
        org("西城区城市管理综合行政执法局").id,
        org("北京宣房大德物业管理有限公司").id,
      ],
      residentUserIds: [resident.userId],
    },
    at(35),
  );
  await changeStage(database, secretary, xiheyan, { to: "review" }, at(34));
  await changeStage(database, secretary, xiheyan, { to: "deliberation", note: "各方确认参会" }, at(33));
  const xiheyanPlan = await createPlan(database, secretary, { kind: "council", id: xiheyan }, {}, at(33));
  await scheduleMeeting(
    database,
    secretary,
    xiheyan,
    {
      title: "西河沿停车议事会",
      startsAt: localBeijing(at(30, 15)),
      place: "西河沿社区居委会会议室",
      // Meetings have their own places (the community's room, not the problem's spot): drawn on the map.
      lon: 116.3941,
      lat: 39.8983,
      agenda: [{ title: "实行夜间错时停车、施划临时泊位" }],
    },
    at(33),
  );
  {
    const { meetingId, itemId } = await firstItem(secretary, xiheyan);
    const present = [secretary, property, resident];
    await recordAttendance(database, secretary, meetingId, { userIds: present.map((a) => a.userId) }, at(30, 15));
    const votingId = await openVoting(database, secretary, itemId, { question: "是否实行夜间错时停车" }, at(30, 15));
    for (const a of present) await castBallot(database, a, votingId, { choice: "for" }, at(30, 16));
    await closeVoting(database, secretary, votingId, at(30, 16));
    const decisionId = await recordDecision(
      database,
      secretary,
      itemId,
      {
        mode: "vote",
        text: "西河沿街实行夜间（19:00—次日7:00）错时停车；交通支队施划临时泊位，城管执法加强白天巡查，物业负责引导车辆。",
      },
      at(30, 16),
    );
    for (const a of present) await signDecision(database, a, decisionId, at(30, 17));
    await recordMinutes(
      database,
      secretary,
      meetingId,
      { minutes: "与会各方一致赞成错时停车方案；居民代表提出保障救护车通道。" },
      at(30, 17),
    );
    await publishDecision(database, secretary, decisionId, at(29));
  }
  await seedXiheyanPlan();
  await changeStage(
    database,
    secretary,
    xiheyan,
    { to: "residents_review", note: "临时泊位已施划，错时停车已实行" },
    at(8),
  );
  await reviewOutcome(database, resident, xiheyan, { rating: 4, comment: "晚上好停车了，白天还要多巡查" }, at(6));

  // 新安中里: the community whistles; housing and ecology report, market supervision has not yet.
  const xinan = as("新安中里社区居委会", "community_secretary");
  const housing = await actorOf("housing");
  const whistle = await blowWhistle(
    database,
    xinan,
    {
      ground: "recurring_problem",
      problem: "新安中里地下车库排风设备和洗车经营夜间噪音扰民，居民反复投诉，社区无法处置。",
      regionCode: "110102019901",
      orgIds: [
        org("西城区住房和城市建设委员会").id,
        org("北京市西城区生态环境局").id,
        org("北京市西城区市场监督管理局").id,
      ],
      ticketNumbers: await ticketsOf("110102019901", ["噪音", "车库"], at(1), 3),
    },
    at(1, 9),
  );
  await reportToWhistle(database, housing, whistle.id, { note: "已到现场查看排风设备" }, at(1, 15));
  await reportToWhistle(
    database,
    as("北京市西城区生态环境局", "department_officer"),
    whistle.id,
    { note: "安排夜间噪声监测" },
    new Date(now.getTime() - 60 * 60 * 1000),
  );

  // 黄寺大街24号院: the road three property units own; deliberating, the next meeting scheduled.
  const huangsi = as("黄寺大街24号院社区居委会", "community_secretary");
  const road = await createCouncil(
    database,
    huangsi,
    {
      title: "黄寺大街24号院内道路维修议事",
      description:
        "院内三十米道路坑洼积水多年，产权分属三家单位，互相推诿无人维修。请三方与房管部门共同商议维修方案和费用分担。",
      regionCode: "110102010901",
      address: "西城区黄寺大街24号院",
      ticketNumbers: await ticketsOf("110102010901", ["道路", "路面", "路灯"], at(20), 4),
      cooperatingOrgIds: [
        org("北京德胜金泰物业服务有限公司").id,
        org("北京华清物业管理有限公司").id,
        org("西城区房屋管理局").id,
      ],
    },
    at(20),
  );
  await changeStage(database, huangsi, road, { to: "review" }, at(18));
  await changeStage(database, huangsi, road, { to: "deliberation", note: "三家产权单位均已确认参会" }, at(15));
  await createPlan(database, huangsi, { kind: "council", id: road }, {}, at(15));
  await scheduleMeeting(
    database,
    huangsi,
    road,
    {
      title: "院内道路维修第二次协商",
      startsAt: localBeijing(new Date(now.getTime() + 2 * DAY)),
      place: "黄寺大街24号院 院内大槐树下",
      lon: 116.3909,
      lat: 39.9626,
      agenda: [{ title: "维修方案与三方费用分担比例" }, { title: "雨季前临时排水措施" }],
    },
    at(1),
  );

  // 曙光花园: six parties agree waste sorting by consensus; the property company carries it out.
  const shuguang = as("曙光花园社区居委会", "community_secretary");
  const committee = await actorOf("committee");
  const waste = await createCouncil(
    database,
    shuguang,
    {
      title: "曙光花园垃圾分类“社区合伙人”议事",
      description:
        "桶站满溢、分类不清、清运不及时。社区、街道、物业、业委会、城管委和共建单位六方共同商定桶站设置与分类督导。",
      regionCode: "110108025901",
      address: "海淀区曙光花园 社区活动中心",
      ticketNumbers: await ticketsOf("110108025901", ["垃圾", "桶站"], at(45), 4),
      cooperatingOrgIds: [
        org("曙光街道办事处").id,
        org("北京曙光物业服务有限公司").id,
        org("曙光花园业主委员会").id,
        org("海淀区城市管理委员会").id,
        org("曙光街道共建单位联盟").id,
      ],
    },
    at(45),
  );
  await changeStage(database, shuguang, waste, { to: "review" }, at(44));
  await changeStage(database, shuguang, waste, { to: "deliberation" }, at(42));
  await createPlan(database, shuguang, { kind: "council", id: waste }, { template: "four_lists" }, at(42));
  await scheduleMeeting(
    database,
    shuguang,
    waste,
    {
      title: "垃圾分类六方议事会",
      startsAt: localBeijing(at(40, 19)),
      place: "曙光花园社区活动中心",
      lon: 116.2851,
      lat: 39.9574,
      agenda: [{ title: "桶站撤并与定时定点投放" }],
    },
    at(42),
  );
  {
    const { meetingId, itemId } = await firstItem(shuguang, waste);
    await recordAttendance(database, shuguang, meetingId, { userIds: [committee.userId] }, at(40, 19));
    const decisionId = await recordDecision(
      database,
      shuguang,
      itemId,
      {
        mode: "consensus",
        text: "撤并桶站为8处，实行早晚定时定点投放；物业配备桶前督导员，业委会组织志愿者轮值，城管委保障清运频次。",
      },
      at(40, 20),
    );
    await signDecision(database, committee, decisionId, at(40, 20));
    await recordMinutes(database, shuguang, meetingId, { minutes: "六方协商一致通过桶站撤并和督导方案。" }, at(40, 21));
    await publishDecision(database, shuguang, decisionId, at(39));
  }
  await changeStage(
    database,
    shuguang,
    waste,
    {
      to: "implementation",
      implementationOrgId: org("北京曙光物业服务有限公司").id,
      implementationDue: localBeijing(new Date(now.getTime() + 30 * DAY)),
    },
    at(38),
  );
  return 4;
}
