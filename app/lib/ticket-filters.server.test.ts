import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { categories } from "../../db/schema";
import { openTestDatabase, type TestDatabase } from "../../tests/helpers/database";
import { selectedFilterChoices, ticketFilterChoices } from "./ticket-filters.server";

let t: TestDatabase;
let parking: number;

beforeAll(async () => {
  t = await openTestDatabase({ demo: true });
  parking = (await t.database.db.query.categories.findFirst({ where: eq(categories.name, "占道停车") }))!.id;
});
afterAll(() => t?.close());

describe("the ticket filters' choices", () => {
  it("lists every leaf category under its class and every area under its district", async () => {
    const all = await ticketFilterChoices(t.database);
    expect(all.categories.find((c) => c.id === parking)).toEqual({
      id: parking,
      top: "交通管理",
      label: "停车管理 › 占道停车",
    });
    expect(all.categories.length).toBeGreaterThan(100);
    const xicheng = all.regions.find((g) => g.label === "西城区")!;
    expect(xicheng.options[0]).toMatchObject({ code: "110102", label: "西城区（全区）" });
    expect(xicheng.options.map((o) => o.label)).toContain("大栅栏街道 › 西河沿社区");
  });

  it("gives a page only the selected ones, in the same shape, and nothing for no or unknown selections", async () => {
    const all = await ticketFilterChoices(t.database);
    const selected = await selectedFilterChoices(t.database, {
      categoryId: String(parking),
      regionCode: "110102013901",
    });
    expect(selected.categories).toEqual(all.categories.filter((c) => c.id === parking));
    expect(selected.regions).toEqual([
      { label: "西城区", options: [all.regions.flatMap((g) => g.options).find((o) => o.code === "110102013901")] },
    ]);
    expect(await selectedFilterChoices(t.database, {})).toEqual({ categories: [], regions: [] });
    expect(await selectedFilterChoices(t.database, { categoryId: "999999", regionCode: "999" })).toEqual({
      categories: [],
      regions: [],
    });
  });
});
