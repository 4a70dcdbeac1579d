/**
 * The home page's workbench as people use it: a count opens its queue with
 * exactly that many tickets, and a summoned department opens the whistle
 * waiting on it, reports, and finds it gone from its workbench — on a phone.
 */
import { describe, expect, it } from "vitest";
import { zhCN } from "../../app/i18n/zh-CN";
import { blowWhistle } from "../../server/councils";
import { actorOf, orgId } from "../helpers/database";
import { useBrowserAndPortal, signedIn } from "../helpers/e2e";

const env = useBrowserAndPortal();
const W = zhCN.home.workbench;

describe("the workbench", () => {
  it("opens each queue from its count, holding as many tickets as counted", async () => {
    const { context, page, problems } = await signedIn(env, "secretary");
    const tile = page.locator('.queue-counts a[data-queue="in_hand"]');
    const count = Number(await tile.locator("strong").textContent());
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThanOrEqual(50);
    await tile.click();
    await page.waitForURL(/\/tickets\?queue=in_hand$/);
    await expect
      .poll(() => page.locator(".queue-tabs a[aria-current=page]").textContent())
      .toBe(zhCN.tickets.queues.in_hand);
    expect(await page.locator("table tbody tr").count()).toBe(count);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("takes a summoned department from its workbench to the whistle, and the whistle leaves once it reports", async () => {
    const database = env.portal.portal.database;
    const { id } = await blowWhistle(database, await actorOf(database, "secretary"), {
      ground: "joint_enforcement",
      problem: "西河沿街占道经营联合执法",
      regionCode: "110102013901",
      orgIds: [await orgId(database, "西城区住房和城市建设委员会")],
    });
    const { context, page, problems } = await signedIn(env, "housing", { width: 390, height: 844 });
    const list = page.locator(".work-list", { has: page.getByRole("heading", { name: W.whistles }) });
    await list.getByRole("link", { name: "西河沿街占道经营联合执法" }).click();
    await page.waitForURL(new RegExp(`/councils/whistles/${id}$`));
    await page.getByLabel(zhCN.councils.whistle.reportNote).fill("执法队已到场");
    await page.getByRole("button", { name: zhCN.councils.whistle.report, exact: true }).click();
    await expect.poll(() => page.locator("body").textContent()).toContain(zhCN.councils.whistle.reportDone);
    await page.goto(`${env.portal.url}/`);
    await expect.poll(() => page.locator("h1").textContent()).toBe("您好，陈志强");
    expect(await page.getByRole("link", { name: "西河沿街占道经营联合执法" }).count()).toBe(0);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    expect(problems).toEqual([]);
    await context.close();
  });
});
