/**
 * The year's monthly problems (每月一题) in Chromium against the production
 * build, on the demo seed: the administrator finds this year's list (and last
 * year's, switching years), draws up a problem with two categories and two
 * areas through the searchable lists — an empty form is refused field by field
 * — and its page draws the half-monthly chart, lists the periods and links the
 * plan made with it; then edits and closes it. A community secretary may not
 * open the form.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { zhCN } from "../../app/i18n/zh-CN";
import { distinctColours, unexpectedProblems } from "../helpers/browser";
import { signedIn, useBrowserAndPortal } from "../helpers/e2e";
import { detectHotSpots } from "../../server/insights";

const env = useBrowserAndPortal();
const L = zhCN.problems.list;
const F = zhCN.problems.form;
const D = zhCN.problems.detail;
const I = zhCN.insights;

async function expectDrawn(page: Page, testId: string) {
  const chart = page.locator(`[data-testid="${testId}"]`);
  await expect.poll(() => chart.getAttribute("data-state"), { timeout: 15_000 }).toBe("ready");
  await expect.poll(() => chart.locator("svg path, svg rect").count(), { timeout: 15_000 }).toBeGreaterThan(3);
  await expect.poll(() => distinctColours(page, chart), { timeout: 15_000 }).toBeGreaterThan(8);
}

/** Types into a searchable list's filter and takes the first match with Enter, as the hint says. */
async function pick(page: Page, filterLabel: string, words: string) {
  const filter = page.getByLabel(filterLabel, { exact: true });
  await filter.fill(words);
  await filter.press("Enter");
}

describe("the year's monthly problems", () => {
  it("the administrator draws one up with two categories and two areas; its page charts it and links its plan", async () => {
    // The portal's first hot-spot run holds the process for seconds on this machine: let it finish first.
    await detectHotSpots(env.portal.portal.database);
    const { context, page, problems } = await signedIn(env, "admin");
    await page.goto(`${env.portal.url}/insights`);
    await page.getByRole("link", { name: L.allLink }).click();
    await page.waitForURL(`${env.portal.url}/insights/monthly-problems`);
    // The URL changes before the list has rendered: wait for its heading, which starts with the year.
    await expect.poll(() => page.locator("h1").textContent()).toMatch(/^\d{4}/);
    const year = Number((await page.locator("h1").textContent())!.slice(0, 4));
    // This year's seeded problems, and last year's closed one a click away.
    expect(await page.getByRole("link", { name: "西河沿街路边停车治理" }).count()).toBe(1);
    await page
      .getByRole("navigation", { name: L.years })
      .getByRole("link", { name: L.yearLabel(year - 1) })
      .click();
    await expect.poll(() => page.locator("h1").textContent()).toBe(L.heading(year - 1));
    expect(await page.locator("tbody").textContent()).toContain(I.problems.statuses.closed);

    await page.goto(`${env.portal.url}/insights/monthly-problems`);
    await page.getByRole("link", { name: L.create }).click();
    await page.waitForURL(/\/insights\/monthly-problems\/new/);

    // An empty form is refused field by field, in Chinese.
    await page.getByRole("button", { name: F.create }).click();
    await expect.poll(() => page.locator("#field-categoryIds-error").textContent()).toBe("请至少选择一个分类");
    expect(await page.locator("#field-regionCodes-error").textContent()).toBe("请至少选择一个区域");
    expect(await page.locator("#field-leadOrgId-error").textContent()).toBe("请选择牵头单位");

    await page.getByLabel(F.theme).fill("停车与噪音");
    await page.getByLabel(F.title, { exact: true }).fill("大栅栏与白纸坊停车噪音综合治理");
    await page.getByLabel(F.description).fill("占道停车和车库噪音在两个社区反复来电，交通支队牵头，城管执法配合。");
    await pick(page, zhCN.tickets.intake.categoryFilter, "占道停车");
    await pick(page, zhCN.tickets.intake.categoryFilter, "车库噪音");
    await expect
      .poll(() => page.locator("#field-categoryIds").evaluate((s: HTMLSelectElement) => s.selectedOptions.length))
      .toBe(2);
    expect(await page.getByText(/已选 2 项：.*占道停车.*车库噪音/).count()).toBe(1);
    await pick(page, F.areaFilter, "西河沿");
    await pick(page, F.areaFilter, "新安中里");
    await expect
      .poll(() => page.locator("#field-regionCodes").evaluate((s: HTMLSelectElement) => s.selectedOptions.length))
      .toBe(2);
    await page.getByLabel(F.lead).selectOption({ label: "北京市公安局公安交通管理局西城交通支队" });
    await page.getByRole("group", { name: F.units }).getByLabel("西城区城市管理综合行政执法局").check();
    await page.getByLabel(F.targetPct).fill("30");
    await page.getByRole("button", { name: F.create }).click();

    await page.waitForURL(/\/insights\/monthly-problems\/\d+$/);
    await expect.poll(() => page.locator("h1").textContent()).toBe(I.problem.title("大栅栏与白纸坊停车噪音综合治理"));
    const facts = await page.locator(".facts").first().textContent();
    expect(facts).toContain("占道停车");
    expect(facts).toContain("车库噪音");
    expect(facts).toContain("西河沿");
    expect(facts).toContain("新安中里");
    expect(facts).toContain("西城区城市管理综合行政执法局");
    await expectDrawn(page, "chart-volume");
    // The accessible table: six baseline half months and at least the start's.
    expect(await page.locator(`table:has(caption:text("${D.caption}")) tbody tr`).count()).toBeGreaterThanOrEqual(7);
    expect(await page.getByText(D.phases.baseline).count()).toBeGreaterThan(0);

    // The plan (一方案三清单) was made with it.
    const planLink = page.getByRole("link", { name: zhCN.plans.create.open });
    await expect.poll(() => planLink.count()).toBe(1);
    const problemUrl = page.url();
    const planHref = await planLink.getAttribute("href");
    expect(planHref).toMatch(/^\/plans\/\d+$/);
    expect((await page.request.get(`${env.portal.url}${planHref}`)).status()).toBe(200);

    // Edited, then closed: a closed problem offers no more changes and keeps its chart.
    await page.getByRole("link", { name: D.edit }).click();
    await page.waitForURL(/\/edit$/);
    await page.getByLabel(F.targetPct).fill("35");
    await page.getByRole("button", { name: F.save }).click();
    await page.waitForURL(problemUrl);
    await expect.poll(() => page.locator(".facts").first().textContent()).toContain(I.problems.targetValue(35));
    await page.getByRole("button", { name: D.close }).click();
    await expect.poll(() => page.getByText(D.closedNote).count()).toBe(1);
    expect(await page.getByRole("link", { name: D.edit }).count()).toBe(0);
    await expectDrawn(page, "chart-volume");
    const edit = await page.goto(`${problemUrl}/edit`);
    expect(edit!.status()).toBe(409);
    expect(unexpectedProblems(problems)).toEqual([]);
    await context.close();
  }, 90_000);

  it("a community secretary reads the list of their area but may not draw up a problem", async () => {
    const { context, page } = await signedIn(env, "secretary");
    await page.goto(`${env.portal.url}/insights/monthly-problems`);
    expect(await page.getByRole("link", { name: "西河沿街路边停车治理" }).count()).toBe(1);
    expect(await page.getByRole("link", { name: L.create }).count()).toBe(0);
    const response = await page.goto(`${env.portal.url}/insights/monthly-problems/new`);
    expect(response!.status()).toBe(403);
    await context.close();
  });
});
