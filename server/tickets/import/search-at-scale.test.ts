/**
 * listTickets finds a page of search results two ways — by the matches for a
 * rare term, by walking the newest tickets for a common one (queries.ts,
 * decision 0008). Both must give the page a plain scan would.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorOf, openTestDatabase, type TestDatabase } from "../../../tests/helpers/database";
import type { Actor } from "../../identity/permissions";
import { listTickets } from "..";
import { runImport } from ".";

let t: TestDatabase;
let operator: Actor;
const ROWS = 6_000; // above the 5,000 matches that make a term "common"

beforeAll(async () => {
  t = await openTestDatabase({ demo: true });
  operator = await actorOf(t.database, "operator");
  const lines = ["工单编号,受理时间,诉求类型,诉求分类,诉求内容,所属街道"];
  for (let i = 0; i < ROWS; i++) {
    // Received times out of id order, so "newest first" is not "highest id first".
    const minute = (i * 7919) % ROWS;
    const at = new Date(Date.UTC(2024, 0, 1) + minute * 60_000 - 8 * 3_600_000);
    const when = at.toISOString().replace("T", " ").slice(0, 19);
    const rare = i % 500 === 0 ? "井盖丢失" : "楼道堆物";
    lines.push(
      `S${String(i).padStart(5, "0")},${when},投诉,城乡建设/物业管理/物业服务,小区物业问题：${rare},大栅栏街道`,
    );
  }
  const path = join(t.dir, "scale.csv");
  await writeFile(path, lines.join("\n"));
  const summary = await runImport(t.database, {
    path,
    fileName: "scale.csv",
    format: "csv",
    mapping: {
      number: "工单编号",
      receivedAt: "受理时间",
      type: "诉求类型",
      category: "诉求分类",
      description: "诉求内容",
      streetName: "所属街道",
    },
  });
  expect(summary.imported).toBe(ROWS);
}, 60_000);
afterAll(() => t.close());

async function expected(word: string, limit: number) {
  const rows = await t.database.client.execute({
    sql: "select number from tickets where description like ? order by received_at desc, id desc limit ?",
    args: [`%${word}%`, limit],
  });
  return rows.rows.map((r) => String(r[0]));
}

describe("search pages at scale", () => {
  it("a common term gives the newest matches, page after page", async () => {
    const first = await listTickets(t.database, operator, { q: "物业", limit: 20 });
    const second = await listTickets(t.database, operator, { q: "物业", limit: 20, cursor: first.nextCursor! });
    expect([...first.rows, ...second.rows].map((r) => r.number)).toEqual(await expected("物业", 40));
  });

  it("a rare term gives every match, newest first", async () => {
    const found = await listTickets(t.database, operator, { q: "井盖", limit: 50 });
    expect(found.rows.map((r) => r.number)).toEqual(await expected("井盖", 50));
    expect(found.rows).toHaveLength(ROWS / 500);
    expect(found.nextCursor).toBeNull();
  });
});
