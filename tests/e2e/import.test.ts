/**
 * The import pages in a real Chromium, on a phone-sized screen: upload a
 * hotline export, check the suggested mapping, save it, start, watch the
 * progress bar finish, and download the report of the rejected rows.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { zhCN } from "../../app/i18n/zh-CN";
import { signedIn, useBrowserAndPortal } from "../helpers/e2e";

const env = useBrowserAndPortal();
const T = zhCN.imports;

describe("importing a hotline export", () => {
  it("uploads, maps, imports with a progress bar and offers the rejection report", async () => {
    const rows = ["工单编号,受理时间,诉求类型,诉求分类,诉求内容,所属街道"];
    for (let i = 0; i < 40; i++) {
      rows.push(
        `E2E${String(i).padStart(4, "0")},2024-05-0${1 + (i % 9)} 10:00,投诉,城乡建设/物业管理/物业服务,楼道堆物影响通行,大栅栏街道`,
      );
    }
    rows.push("E2E9001,2024-05-40 10:00,投诉,城乡建设/物业管理/物业服务,日期有误,大栅栏街道");
    rows.push(",2024-05-01 10:00,投诉,城乡建设/物业管理/物业服务,缺少编号,大栅栏街道");
    const file = join(env.portal.dir, "东城区导出.csv");
    await writeFile(file, `\uFEFF${rows.join("\r\n")}\r\n`);

    const { context, page, problems } = await signedIn(env, "operator", { width: 390, height: 844 });
    await page.goto(`${env.portal.url}/tickets/import`);
    await expect.poll(() => page.locator("h1").textContent()).toBe(T.title);
    await page.getByLabel(T.upload.file).setInputFiles(file);
    await page.getByRole("button", { name: T.upload.submit }).click();
    await page.waitForURL(/\/tickets\/import\/map\//);

    // Suggested from the headers.
    expect(await page.getByLabel(/^工单编号/).inputValue()).toBe("工单编号");
    expect(await page.getByLabel(/^诉求分类/).inputValue()).toBe("诉求分类");
    expect(await page.getByLabel("所属街道/乡镇").inputValue()).toBe("所属街道");

    await page.getByLabel(T.map.saveName).fill("东城区导出");
    await page.getByRole("button", { name: T.map.save }).click();
    await expect.poll(() => page.getByRole("status").first().textContent()).toBe(T.map.saved("东城区导出"));

    await page.getByRole("button", { name: T.map.start }).click();
    await page.waitForURL(/\/tickets\/import\/\d+$/);
    const progress = page.locator("progress.import-bar");
    await expect.poll(() => progress.getAttribute("value"), { timeout: 30_000 }).toBe("100");
    await expect.poll(() => page.locator(".import-state").first().textContent()).toBe(T.states.done);
    const stats = await page.locator(".import-stats").textContent();
    expect(stats).toContain("40");

    const report = page.getByRole("link", { name: T.job.report });
    const response = await page.request.get(`${env.portal.url}${await report.getAttribute("href")}`);
    expect(response.headers()["content-type"]).toContain("text/csv");
    const csv = await response.text();
    expect(csv.split("\r\n").filter(Boolean)).toHaveLength(3);
    expect(csv).toContain("43,缺少工单编号,");

    expect(problems).toEqual([]);
    await context.close();
  });

  it("is not for residents", async () => {
    const { context, page } = await signedIn(env, "resident", { width: 390, height: 844 });
    const response = await page.goto(`${env.portal.url}/tickets/import`);
    expect(response?.status()).toBe(403);
    await context.close();
  });
});
