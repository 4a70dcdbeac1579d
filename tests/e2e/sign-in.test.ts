import { describe, expect, it } from "vitest";
import { demoUsers, DEMO_PASSWORD } from "../../db/seed/demo";
import { zhCN } from "../../app/i18n/zh-CN";
import { watchPageErrors } from "../helpers/browser";
import { useBrowserAndPortal } from "../helpers/e2e";

const env = useBrowserAndPortal();

/** The sections each role's navigation must offer (and, by omission, must not). */
const expectedNav: Record<string, string[]> = {
  admin: ["首页", "工单", "三率", "议事", "方案", "地图", "洞察", "管理"],
  operator: ["首页", "工单", "三率", "议事", "方案", "地图", "洞察", "管理"],
  street: ["首页", "工单", "三率", "议事", "方案", "地图", "洞察", "管理"],
  secretary: ["首页", "工单", "三率", "议事", "方案", "地图", "洞察", "管理"],
  worker: ["首页", "工单", "议事", "方案", "地图", "管理"],
  housing: ["首页", "工单", "三率", "议事", "方案", "地图", "洞察", "管理"],
  property: ["首页", "工单", "议事", "方案", "地图", "管理"],
  committee: ["首页", "议事", "方案", "地图", "管理"],
  resident: ["首页", "工单", "议事", "方案", "地图"],
};

describe("signing in as each demo user", () => {
  for (const user of demoUsers) {
    it(`${user.username} (${zhCN.roles[user.role]}) reaches their role's home`, async () => {
      const context = await env.browser.newContext({ locale: "zh-CN" });
      const page = await context.newPage();
      const problems = watchPageErrors(page);

      await page.goto(`${env.portal.url}/`);
      expect(new URL(page.url()).pathname).toBe("/login");
      await page.getByLabel("用户名").fill(user.username);
      await page.getByLabel("密码").fill(DEMO_PASSWORD);
      await page.getByRole("button", { name: "登录" }).click();

      await expect.poll(() => page.locator("h1").textContent()).toBe(`您好，${user.displayName}`);
      const roleCard = page.locator(`.role-card[data-role="${user.role}"]`);
      await expect.poll(() => roleCard.locator(".role-label").textContent()).toBe(zhCN.roles[user.role]);
      for (const duty of zhCN.home.duties[user.role]) {
        expect(await roleCard.textContent()).toContain(duty);
      }

      const nav = await page.locator("#primary-nav li").allTextContents();
      const labels = nav.map((text) => text.replace(zhCN.nav.comingSoon, "").trim());
      expect(labels).toEqual(expectedNav[user.username]);
      // The insights section is open (a link), not "coming soon", for those who may read it.
      expect(await page.locator('#primary-nav a[href="/insights"]').count()).toBe(
        expectedNav[user.username]!.includes(zhCN.nav.insights) ? 1 : 0,
      );

      expect(problems).toEqual([]);
      await context.close();
    });
  }

  it("refuses a wrong password with a message and keeps the visitor on the login page", async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${env.portal.url}/login`);
    await page.getByLabel("用户名").fill("secretary");
    await page.getByLabel("密码").fill("not-the-password");
    await page.getByRole("button", { name: "登录" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("用户名或密码错误");
    expect(new URL(page.url()).pathname).toBe("/login");
    await context.close();
  });

  it("works by keyboard alone and on a phone-sized screen, and signs out", async () => {
    const context = await env.browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    const problems = watchPageErrors(page);
    await page.goto(`${env.portal.url}/login`);
    // The username field has focus on arrival; Tab moves to the password, Enter submits.
    await page.keyboard.type("resident");
    await page.keyboard.press("Tab");
    await page.keyboard.type(DEMO_PASSWORD);
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("h1").textContent()).toBe("您好，周大爷");

    // On a phone the navigation sits behind the menu button.
    const nav = page.locator("#primary-nav");
    expect(await nav.isVisible()).toBe(false);
    await page.getByRole("button", { name: zhCN.nav.menu }).click();
    expect(await nav.isVisible()).toBe(true);
    const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(pageWidth).toBeLessThanOrEqual(390);

    await page.getByRole("button", { name: zhCN.nav.logout }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe("/login");
    await expect.poll(() => page.locator("h1").textContent()).toBe(zhCN.login.title);
    await page.waitForLoadState("networkidle");
    await page.goto(`${env.portal.url}/`);
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("shows the Chinese 404 page for an unknown address", async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(`${env.portal.url}/no-such-page`);
    expect(response?.status()).toBe(404);
    expect(await page.locator("h1").textContent()).toBe(zhCN.errors.notFoundTitle);
    await context.close();
  });
});
