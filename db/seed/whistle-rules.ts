/**
 * Default report windows per whistle ground (DOMAIN.md, 吹哨报到). Only the
 * 30 minutes for emergencies has a public source (Pinggu's original rule);
 * the others are our defaults (C) — configuration data, never constants.
 */
import { count } from "drizzle-orm";
import type { Database } from "../client";
import { whistleReportRules } from "../schema";

export async function seedWhistleRules(database: Database): Promise<number> {
  const [existing] = await database.db.select({ n: count() }).from(whistleReportRules);
  if (existing!.n > 0) return 0;
  const rows = [
    { ground: "emergency" as const, amount: 30, unit: "minutes" as const },
    { ground: "joint_enforcement" as const, amount: 24, unit: "hours" as const },
    { ground: "recurring_problem" as const, amount: 2, unit: "working_days" as const },
  ];
  await database.write(async (tx) => {
    await tx.insert(whistleReportRules).values(rows.map((r) => ({ ...r, createdAt: new Date() })));
  });
  return rows.length;
}
