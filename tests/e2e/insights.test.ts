/**
 * The insights pages in Chromium against the production build, on the demo
 * seed (hot spots found at start by the detector, not planted): the street
 * office sees its area's hot spots and the charts really draw; it opens the
 * 西河沿 parking hot spot, turns it into a monthly problem (每月一题), blows the
 * whistle with the hot spot's tickets and convenes a council from it. The
 * administrator changes the detection rules through the rules form.
 */
import { describe, expect, it } from "vitest";
import { zhCN } from "../../app/i18n/zh-CN";
import { expectChartDrawn as expectDrawn, unexpectedProblems } from "../helpers/browser";
import { signedIn, useBrowserAndPortal } from "../helpers/e2e";
import { detectHotSpots } from "../../server/insights";

const env = useBrowserAndPortal();
const I = zhCN.insights;

describe("insights", () => {
  it("the street office sees its hot spots and turns one into proactive work with a whistle and a council", async () => {
    // The pages show the hot spots as last detected; the portal's first run may still be going.
    await detectHotSpots(env.portal.portal.database);
    const { context, page, problems } = await signedIn(env, "street");
    await page.locator("#primary-nav").getByRole("link", { name: zhCN.nav.insights, exact: true }).click();
    await page.waitForURL(`${env.portal.url}/insights`);
    await expect.poll(() => page.locator("h1").textContent()).toBe(I.title);

    // The 西河沿 parking calls are a hot spot of this street's; 新安中里 (another street) is not shown.
    const rows = page.locator("table.hot-spots tbody tr");
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    const first = rows.first();
    expect(await first.textContent()).toContain("停车管理");
    expect(await first.textContent()).toContain("西河沿");
    expect(await page.locator("table.hot-spots").textContent()).not.toContain("新安中里");
    await expectDrawn(page, "chart-breakdown");

    // Filters travel in the URL: a category with no hot spots here empties the list.
    await page.getByLabel(I.filters.category).selectOption({ label: "\u3000噪音" });
    await page.getByRole("button", { name: I.filters.show }).click();
    await page.waitForURL(/categoryId=\d+/);
    await expect.poll(() => page.getByText(I.hotSpots.none).count()).toBe(1);
    await page.getByRole("link", { name: I.filters.reset }).click();
    await page.waitForURL(`${env.portal.url}/insights`);

    // The hot spot's page: weekly calls drawn, its tickets linked.
    await rows.first().getByRole("link").click();
    await page.waitForURL(/\/insights\/hot-spots\/\d+$/);
    await expectDrawn(page, "chart-weekly");
    await expectDrawn(page, "chart-categories");
    const ticketLinks = page.locator('#tickets-heading ~ .table-wrap a[href^="/tickets/"]');
    expect(await ticketLinks.count()).toBeGreaterThan(100);

    // The lead unit by part of its name.
    await page.getByLabel(I.hotSpot.leadFilter).fill("城市管理综合");
    await page.getByLabel(I.hotSpot.leadFilter).press("Enter");
    const lead = page.getByLabel(I.hotSpot.leadOrg, { exact: true });
    await expect.poll(() => lead.locator("option:checked").textContent()).toBe("西城区城市管理综合行政执法局");

    // A bad target is refused with a field error and nothing changes; the lead stays chosen.
    await page.getByLabel(I.hotSpot.target).fill("0");
    await page.getByRole("button", { name: I.hotSpot.proactive }).click();
    await expect.poll(() => page.locator("#problem-target-error, .field-error").first().textContent()).toContain("1%");
    expect(await page.getByTestId("review").textContent()).toContain(I.reviews.open);
    expect(await lead.locator("option:checked").textContent()).toBe("西城区城市管理综合行政执法局");

    await page.getByLabel(I.hotSpot.problemTitle).fill("西河沿街占道停车治理");
    await page.getByLabel(I.hotSpot.target).fill("30");
    await page.getByRole("button", { name: I.hotSpot.proactive }).click();
    await page.waitForURL(/\/insights\/monthly-problems\/\d+$/);
    await expect.poll(() => page.locator("h1").textContent()).toBe(I.problem.title("西河沿街占道停车治理"));
    await expectDrawn(page, "chart-volume");
    expect(await page.locator("main").textContent()).toContain("西城区城市管理综合行政执法局");

    // 吹哨: the traffic police are summoned, the hot spot's tickets come along.
    await page.getByLabel("北京市公安局公安交通管理局西城交通支队").check();
    await page.getByRole("button", { name: I.problem.blow }).click();
    const whistleLink = page.getByRole("link", { name: /查看吹哨/ });
    // The whistle links the hot spot's 150-odd tickets and the page reloads: seconds on a busy machine.
    await expect.poll(() => whistleLink.count(), { timeout: 10_000 }).toBe(1);

    // 圆桌会议 from the whistle.
    await page.getByRole("button", { name: I.problem.convene }).click();
    await page.waitForURL(/\/councils\/\d+$/);
    await expect.poll(() => page.locator("h1").textContent()).toContain("西河沿街占道停车治理");
    expect(await page.locator('a[href^="/tickets/"]').count()).toBeGreaterThan(100);

    // Back on the insights page the hot spot is marked as taken on, and the problem is listed.
    await page.goto(`${env.portal.url}/insights`);
    expect(await page.locator("table.hot-spots tbody tr").first().textContent()).toContain(I.reviews.proactive);
    expect(await page.getByRole("link", { name: "西河沿街占道停车治理" }).count()).toBe(1);
    expect(unexpectedProblems(problems)).toEqual([]);
    await context.close();
  });

  it("the administrator saves a new rule version; a bad value is refused field by field", async () => {
    const { context, page, problems } = await signedIn(env, "admin");
    await page.goto(`${env.portal.url}/admin/rules/insights`);
    await expect.poll(() => page.locator("h3").textContent()).toBe(I.rules.heading);
    await page.getByLabel(I.rules.fields.radiusM).fill("0");
    await page.getByLabel(I.rules.note).fill("胡同里放宽半径");
    await page.getByRole("button", { name: I.rules.save }).click();
    await expect.poll(() => page.locator(".field-error").first().textContent()).toContain("至少为 50");
    await page.getByLabel(I.rules.fields.radiusM).fill("250");
    await page.getByRole("button", { name: I.rules.save }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toBe(I.rules.saved);
    const firstRow = page.locator(".rules-table tbody tr").first();
    await expect.poll(() => firstRow.textContent()).toContain("250");
    expect(await firstRow.textContent()).toContain("胡同里放宽半径");
    expect(await page.locator(".rules-table tbody tr").count()).toBe(2);
    expect(unexpectedProblems(problems)).toEqual([]);
    await context.close();
  });

  it("is not open to roles without insight rights", async () => {
    const { context, page } = await signedIn(env, "worker");
    const response = await page.goto(`${env.portal.url}/insights`);
    expect(response!.status()).toBe(403);
    await context.close();
  });
});
