import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { DEMO_PASSWORD } from "../../db/seed/demo";
import { launchBrowser, watchPageErrors } from "./browser";
import { startPortal, type TestPortal } from "./portal";

/** A portal and a Chromium for one browser test file, closed after it. */
export function useBrowserAndPortal(): { readonly portal: TestPortal; readonly browser: Browser } {
  const state = {} as { portal: TestPortal; browser: Browser };
  beforeAll(async () => {
    state.portal = await startPortal();
    state.browser = await launchBrowser();
  });
  afterAll(async () => {
    await state.browser?.close();
    await state.portal?.close();
  });
  return state;
}

/** Signs a demo user in through the login form, as a person would. */
export async function signInAs(page: Page, baseUrl: string, username: string) {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "登录" }).click();
  await page.waitForURL(`${baseUrl}/`);
}

/** A fresh Chinese-language browser context, signed in, collecting what the page reports as broken. */
export async function signedIn(
  env: { readonly portal: TestPortal; readonly browser: Browser },
  username: string,
  viewport = { width: 1280, height: 900 },
) {
  const context = await env.browser.newContext({ locale: "zh-CN", viewport });
  const page = await context.newPage();
  const problems = watchPageErrors(page);
  await signInAs(page, env.portal.url, username);
  return { context, page, problems };
}
