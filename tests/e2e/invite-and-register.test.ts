import { describe, expect, it } from "vitest";
import { zhCN } from "../../app/i18n/zh-CN";
import { unexpectedProblems, watchPageErrors } from "../helpers/browser";
import { signInAs, useBrowserAndPortal } from "../helpers/e2e";

const env = useBrowserAndPortal();

describe("a manager invites a colleague by link", () => {
  it("the secretary invites a community worker, who joins with a new account; the link then stops working", async () => {
    const secretary = await env.browser.newContext();
    const page = await secretary.newPage();
    const problems = watchPageErrors(page);
    await signInAs(page, env.portal.url, "secretary");

    await page.getByRole("link", { name: zhCN.home.manageOrg }).click();
    await expect.poll(() => page.locator("main h2").first().textContent()).toBe("西河沿社区居委会");
    await page.getByLabel(zhCN.admin.org.inviteRole, { exact: true }).selectOption("community_worker");
    await page.getByLabel(zhCN.admin.org.inviteNote).fill("新来的网格员");
    await page.getByRole("button", { name: zhCN.admin.org.inviteSubmit }).click();
    const link = (await page.locator(".copy-box").textContent())!.trim();
    expect(link).toMatch(new RegExp(`^${env.portal.url}/invite/[a-z2-7]{32}$`));
    expect(problems).toEqual([]);

    const newcomer = await env.browser.newContext();
    const join = await newcomer.newPage();
    await join.goto(link);
    expect(await join.textContent("main")).toContain(
      zhCN.invite.intro("西河沿社区居委会", zhCN.roles.community_worker),
    );
    await join.getByLabel(zhCN.register.username).fill("wanggrid");
    await join.getByLabel(zhCN.register.displayName).fill("王网格");
    await join.getByLabel(zhCN.register.password).fill("a-long-enough-password");
    await join.getByRole("button", { name: zhCN.invite.createAccount }).click();
    await expect.poll(() => join.locator("h1").textContent()).toBe("您好，王网格");
    expect(await join.locator('.role-card[data-role="community_worker"] h3').textContent()).toBe("西河沿社区居委会");

    // The secretary sees the new member; the used link is gone from the open invitations.
    await page.reload();
    expect(await page.locator("main").textContent()).toContain("王网格");
    expect(await page.locator("main").textContent()).toContain(zhCN.admin.org.noInvitations);

    const stranger = await env.browser.newContext();
    const again = await stranger.newPage();
    const second = await again.goto(link);
    expect(second?.status()).toBe(410);
    expect(await again.textContent("main")).toContain(zhCN.invite.invalidTitle);
    await Promise.all([secretary.close(), newcomer.close(), stranger.close()]);
  });

  it("the administrator creates an organisation, finding its community by name; a missing field keeps what was chosen", async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const problems = watchPageErrors(page);
    await signInAs(page, env.portal.url, "admin");
    await page.goto(`${env.portal.url}/admin/orgs`);
    const O = zhCN.admin.orgs;
    // The areas are fetched when the picker is reached for, not with the page.
    const asked: string[] = [];
    page.on("request", (r) => {
      if (r.url().endsWith("/admin/regions")) asked.push(r.url());
    });
    await page.getByLabel(O.kind, { exact: true }).selectOption("property_company");
    expect(asked).toEqual([]);
    await page.getByLabel(O.regionFilter).fill("西河沿");
    await expect.poll(() => page.locator(".field-hint[role=status]").allTextContents()).toContain(O.regionMatches(1));
    await page.getByLabel(O.regionFilter).press("Enter");
    await expect.poll(() => page.getByLabel(O.region, { exact: true }).inputValue()).toBe("110102013901");
    expect(asked).toHaveLength(1);

    // Without a name the form says so, and the area stays chosen.
    await page.getByRole("button", { name: O.create }).click();
    await expect.poll(() => page.locator("#field-name-error").count()).toBe(1);
    expect(await page.getByLabel(O.region, { exact: true }).inputValue()).toBe("110102013901");

    await page.getByLabel(O.name, { exact: true }).fill("西河沿物业服务中心");
    await page.getByRole("button", { name: O.create }).click();
    await page.waitForURL(/\/admin\/orgs\/\d+$/);
    expect(await page.locator("main").textContent()).toContain("西河沿社区");
    expect(unexpectedProblems(problems)).toEqual([]);
    await context.close();
  });

  it("a street officer cannot open another organisation's page", async () => {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await signInAs(page, env.portal.url, "street");
    // The 12345 centre was seeded first: id 1.
    const res = await page.goto(`${env.portal.url}/admin/orgs/1`);
    expect(res?.status()).toBe(403);
    expect(await page.locator("h1").textContent()).toBe(zhCN.errors.forbiddenTitle);
    await context.close();
  });
});

describe("a resident registers themself", () => {
  it("shows field errors for bad input, keeps what was typed, then registers and signs in", async () => {
    const context = await env.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await context.newPage();
    await page.goto(`${env.portal.url}/register`);
    await page.getByLabel(zhCN.register.username).fill("Li Si!");
    await page.getByLabel(zhCN.register.displayName).fill("李四");
    await page.getByLabel(zhCN.register.password).fill("short");
    await page.getByRole("button", { name: zhCN.register.submit }).click();
    await page.waitForLoadState("networkidle");

    await expect.poll(() => page.locator(".field-error").count()).toBeGreaterThanOrEqual(3);
    expect(await page.getByLabel(zhCN.register.displayName).inputValue()).toBe("李四");
    expect(await page.getByLabel(zhCN.register.username).getAttribute("aria-invalid")).toBe("true");

    await page.getByLabel(zhCN.register.username).fill("lisi");
    await page.getByLabel(zhCN.register.password).fill("a-long-enough-password");
    // The community by part of its street's name, from the keyboard: the filter narrows the list, Enter takes the first.
    await page.getByLabel(zhCN.register.communityFilter).fill("大栅栏 西河沿");
    await expect
      .poll(() => page.locator(".field-hint[role=status]").allTextContents())
      .toContain(zhCN.register.communityMatches(1));
    await page.getByLabel(zhCN.register.communityFilter).press("Enter");
    expect(await page.getByLabel(zhCN.register.community, { exact: true }).inputValue()).toBe("110102013901");
    await page.getByRole("button", { name: zhCN.register.submit }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("您好，李四");
    expect(await page.locator(".role-card").textContent()).toContain("西河沿社区");
    await context.close();
  });
});
