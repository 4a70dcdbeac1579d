/**
 * The report windows as the administrator keeps them: a new version applies
 * to whistles blown afterwards, earlier whistles keep their deadline, bad
 * input is refused field by field, and only the administrator may change them.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../db/schema";
import { actorOf, openTestDatabase, orgId, type TestDatabase } from "../../tests/helpers/database";
import { ForbiddenError, ValidationError } from "../errors";
import type { Actor } from "../identity/permissions";
import { blowWhistle, getWhistle, listWhistleRules, setWhistleRule } from ".";

let t: TestDatabase;
const a: Record<string, Actor> = {};
let housing: number;
const meta = { ip: "127.0.0.1" };
const bj = (local: string) => new Date(`${local}+08:00`);

beforeAll(async () => {
  t = await openTestDatabase({ demo: true });
  for (const u of ["admin", "secretary", "operator"]) a[u] = await actorOf(t.database, u);
  housing = await orgId(t.database, "西城区住房和城市建设委员会");
});
afterAll(() => t?.close());

const whistle = (at: Date) =>
  blowWhistle(
    t.database,
    a.secretary!,
    { ground: "emergency", problem: "楼道燃气泄漏气味，需立即处置", regionCode: "110102013901", orgIds: [housing] },
    at,
  );

describe("whistle report windows", () => {
  it("start from the seeded defaults, one in force per ground", async () => {
    const rules = await listWhistleRules(t.database, a.admin!);
    expect(rules.map((r) => [r.ground, r.amount, r.unit]).sort()).toEqual([
      ["emergency", 30, "minutes"],
      ["joint_enforcement", 24, "hours"],
      ["recurring_problem", 2, "working_days"],
    ]);
  });

  it("apply a new window to whistles blown from then on; an earlier whistle keeps its deadline", async () => {
    const before = await whistle(bj("2026-03-02T10:00:00"));
    await setWhistleRule(t.database, a.admin!, { ground: "emergency", amount: "45", unit: "minutes" }, meta);
    const after = await whistle(bj("2026-03-02T11:00:00"));
    const deadline = async (id: number) => (await getWhistle(t.database, a.secretary!, id)).whistle.reportDeadlineAt;
    expect(await deadline(before.id)).toEqual(bj("2026-03-02T10:30:00"));
    expect(await deadline(after.id)).toEqual(bj("2026-03-02T11:45:00"));
    const current = (await listWhistleRules(t.database, a.admin!)).find((r) => r.ground === "emergency")!;
    expect(current).toMatchObject({ amount: 45, unit: "minutes", createdBy: "系统管理员" });
    const audited = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "whistle_rule.created"), eq(auditLog.entity, "whistle_rule")));
    expect(audited).toHaveLength(1);
  });

  it("refuse a window that is missing, not whole, or longer than its unit allows", async () => {
    const refused = async (input: Record<string, string>) => {
      const error = await setWhistleRule(t.database, a.admin!, input, meta).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      return Object.keys((error as ValidationError).fieldErrors);
    };
    expect(await refused({ ground: "emergency", amount: "", unit: "minutes" })).toEqual(["amount"]);
    expect(await refused({ ground: "emergency", amount: "1.5", unit: "hours" })).toEqual(["amount"]);
    expect(await refused({ ground: "emergency", amount: "2000", unit: "minutes" })).toEqual(["amount"]);
    expect(await refused({ ground: "storm", amount: "3", unit: "hours" })).toEqual(["ground"]);
    expect(await refused({ ground: "emergency", amount: "3", unit: "weeks" })).toEqual(["unit"]);
  });

  it("are the administrator's alone", async () => {
    for (const who of ["secretary", "operator"]) {
      await expect(listWhistleRules(t.database, a[who]!)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(
        setWhistleRule(t.database, a[who]!, { ground: "emergency", amount: "10", unit: "minutes" }, meta),
      ).rejects.toBeInstanceOf(ForbiddenError);
    }
  });
});
