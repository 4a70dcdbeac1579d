/**
 * Governance-type streets and 七有五性 in Chromium against the production build,
 * on the demo (docs/decisions/0018): the centre sees last month's ranking with
 * 大栅栏 — first by volume, not on the list — warned; puts it on the list
 * (a bad form is refused field by field) and the warning goes; the 七有五性
 * chart draws; a street officer reads the list but cannot change it.
 */
import { describe, expect, it } from "vitest";
import { zhCN } from "../../app/i18n/zh-CN";
import { monthLabel } from "../../app/lib/rates-format";
import { beijingMonth, shiftMonth } from "../../server/tickets";
import { expectChartDrawn, unexpectedProblems } from "../helpers/browser";
import { signedIn, useBrowserAndPortal } from "../helpers/e2e";

const env = useBrowserAndPortal();
const G = zhCN.governance;
const DASHILAR = "110102013";
// The last closed month: a full month of demo calls whatever today's date.
const lastMonth = shiftMonth(beijingMonth(new Date()), -1);

describe("governance-type streets", () => {
  it("the centre sees the 预警约谈, puts the street on the list and the warning goes", async () => {
    const { context, page, problems } = await signedIn(env, "operator");
    await page.goto(`${env.portal.url}/insights`);
    const section = page.getByTestId("governance-warnings");
    await expect.poll(() => section.locator("h2").textContent()).toBe(G.ranking.warningsHeading(10));
    await section.getByRole("link", { name: G.list.rankingLink }).click();
    await page.waitForURL(/\/insights\/streets\?month=/);

    await page.getByLabel(G.ranking.month).selectOption({ label: monthLabel(lastMonth) });
    await page.getByRole("button", { name: G.ranking.show }).click();
    await page.waitForURL(`${env.portal.url}/insights/streets?month=${lastMonth}`);
    const rows = page.locator("table.street-volume-ranking tbody tr");
    await expect.poll(() => rows.count()).toBe(349);
    // 大栅栏 tops the month and is not on the list: warned, in the table and in the warnings.
    const first = rows.first();
    expect(await first.getAttribute("data-street")).toBe(DASHILAR);
    expect(await first.getAttribute("class")).toBe("warned");
    expect(await first.textContent()).toContain(G.ranking.warning);
    expect(await page.locator(`[data-testid="governance-warnings"] [data-warned="${DASHILAR}"]`).count()).toBe(1);
    // 白纸坊 is on the demo list: ranked, not warned.
    const baizhifang = page.locator('tr[data-street="110102019"]');
    expect(await baizhifang.textContent()).toContain(G.ranking.onList);
    expect(await baizhifang.getAttribute("class")).toBeNull();

    // The list: a form without a street or a reason is refused field by field, nothing added.
    await page.getByRole("link", { name: G.ranking.listLink }).click();
    await page.waitForURL(`${env.portal.url}/insights/governance-streets`);
    const current = page.locator("tr[data-entry]");
    // The URL changes before the new page has rendered.
    await expect.poll(() => current.count()).toBe(3);
    await page.getByRole("button", { name: G.list.add }).click();
    await expect.poll(() => page.locator("#gov-street-error").textContent()).toContain("请选择街道（乡镇）");
    expect(await page.locator("#gov-reason-error").textContent()).toContain("请写明列入理由");
    expect(await current.count()).toBe(3);

    await page.getByLabel(G.list.streetField).selectOption(DASHILAR);
    await page.getByLabel(G.list.reasonField).fill("停车类诉求连续半年居全市前列");
    await page.getByLabel(G.list.enteredField).fill(`${lastMonth}-15`);
    await page.getByRole("button", { name: G.list.add }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toBe(G.list.added);
    await expect.poll(() => current.count()).toBe(4);
    expect(await page.locator(`tr[data-entry="${DASHILAR}"]`).textContent()).toContain("大栅栏街道");

    // Entered mid-month: on that month's list, so no warning for it.
    await page.goto(`${env.portal.url}/insights/streets?month=${lastMonth}`);
    const dashilar = page.locator(`tr[data-street="${DASHILAR}"]`);
    expect(await dashilar.textContent()).toContain(G.ranking.onList);
    expect(await dashilar.getAttribute("class")).toBeNull();
    expect(await page.locator(`[data-warned="${DASHILAR}"]`).count()).toBe(0);
    expect(unexpectedProblems(problems)).toEqual([]);
    await context.close();
  });

  it("the 七有五性 breakdown draws its chart and lists every tag", async () => {
    const { context, page, problems } = await signedIn(env, "operator");
    await page.goto(`${env.portal.url}/insights/tags`);
    await expect.poll(() => page.locator("h1").textContent()).toBe(G.tagsPage.title);
    await expectChartDrawn(page, "chart-tags");
    const rows = page.locator("table.tag-breakdown tbody tr");
    expect(await rows.count()).toBe(12);
    // The demo's parking, noise, waste and heating calls: 便利性, 宜居性 and 住有所居 carry volume.
    for (const tag of ["convenience", "livability", "housing"] as const) {
      const volume = Number(await page.locator(`tr[data-tag="${tag}"] td.num`).first().textContent());
      expect(volume).toBeGreaterThan(0);
    }
    expect(unexpectedProblems(problems)).toEqual([]);
    await context.close();
  });

  it("a street officer reads the list and the ranking but cannot change the list", async () => {
    const { context, page } = await signedIn(env, "street");
    await page.goto(`${env.portal.url}/insights/governance-streets`);
    await expect.poll(() => page.locator("h1").textContent()).toBe(G.list.title);
    expect(await page.getByRole("button", { name: G.list.add }).count()).toBe(0);
    expect(await page.getByRole("button", { name: G.list.remove }).count()).toBe(0);
    const response = await page.goto(`${env.portal.url}/insights/streets?month=${lastMonth}`);
    expect(response!.status()).toBe(200);
    const worker = await signedIn(env, "worker");
    expect((await worker.page.goto(`${env.portal.url}/insights/streets`))!.status()).toBe(403);
    await worker.context.close();
    await context.close();
  });
});
