/**
 * The ticket pages in a real Chromium against the real portal: one ticket
 * through the whole 12345 loop by the people who handle it (operator → street
 * → community → the reporter, without an account → operator), and the intake
 * map really drawing and really picking a point.
 */
import type { BrowserContext, Locator, Page } from "playwright-core";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { zhCN } from "../../app/i18n/zh-CN";
import { categories } from "../../db/schema";
import { createTicket } from "../../server/tickets";
import { distinctColours, watchPageErrors } from "../helpers/browser";
import { actorOf } from "../helpers/database";
import { signedIn, useBrowserAndPortal } from "../helpers/e2e";

const env = useBrowserAndPortal();
const T = zhCN.tickets;

/** Chromium reports a refused form (400/409) as a failed resource; that is the page working, not breaking. */
const unexpected = (problems: string[]) =>
  problems.filter((p) => !/Failed to load resource: the server responded with a status of (400|409)/.test(p));

const statusOf = (page: Page) => page.locator(".ticket-head .status").textContent();

/** Submits one lifecycle form on the ticket page and waits for the page to confirm it. */
async function act(page: Page, card: Locator, kind: keyof typeof T.actions) {
  await card.getByRole("button", { name: T.actions[kind], exact: true }).click();
  await expect.poll(() => page.locator(".form-ok").textContent()).toBe(T.detail.done(T.actions[kind]));
}

const card = (page: Page, kind: string) => page.locator(`.action-card[data-kind="${kind}"]`);

/** A unit's row of this month's scorecard on the rates dashboard: dispatched and callbacks, as numbers. */
async function scorecardRow(page: Page, unit: string) {
  // Found by name: the table pages through every unit of the month.
  await page.goto(`${env.portal.url}/rates?${new URLSearchParams({ unit })}`);
  const row = page.locator("section[aria-labelledby=units-heading] tbody tr", {
    has: page.locator("th", { hasText: new RegExp(`^${unit}$`) }),
  });
  if ((await row.count()) === 0) return { dispatched: 0, callbacks: 0, cells: [] as string[] };
  const cells = (await row.locator("td").allTextContents()).map((c) => c.trim());
  // Columns: rank, kind, dispatched, excluded, callbacks, response, resolution, satisfaction, composite.
  return { dispatched: Number(cells[2]), callbacks: Number(cells[4]), cells };
}

/** The URLs of the page's requests whose address contains `part`, as they are made. */
function requestsTo(page: Page, part: string): string[] {
  const seen: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes(part)) seen.push(r.url());
  });
  return seen;
}

/** The intake's area, from the keyboard: its filter narrows the list (fetched on first use), Enter takes the first match. */
async function chooseArea(page: Page, text: string, code: string) {
  await page.getByLabel(T.intake.regionFilter).fill(text);
  await page.getByLabel(T.intake.regionFilter).press("Enter");
  await expect.poll(() => page.getByLabel(T.intake.region).inputValue()).toBe(code);
}

describe("a ticket through the whole loop", () => {
  it("operator takes the call and dispatches; street accepts and hands down; community handles; reporter rates; operator closes", async () => {
    const contexts: BrowserContext[] = [];

    // 受理: the operator's intake form, by the community select (no map needed).
    const operator = await signedIn(env, "operator");
    contexts.push(operator.context);
    let page = operator.page;
    const before = await scorecardRow(page, "西河沿社区居委会");
    await page.goto(`${env.portal.url}/tickets/new`);
    await page.getByRole("radio", { name: T.types.complaint }).check();
    await page.getByLabel(T.intake.categoryFilter).fill("占道停车");
    await page.getByLabel(T.intake.categoryFilter).press("Enter");
    expect(
      await page
        .getByLabel(T.intake.category, { exact: true })
        .evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent),
    ).toBe("停车管理 › 占道停车");
    await page.getByLabel(T.intake.address).fill("前门西河沿街25号门前");
    // The area by its name, from the keyboard: the filter narrows the list, Enter takes the first match.
    await page.getByLabel(T.intake.regionFilter).fill("西河沿");
    await expect
      .poll(() => page.locator(".field-hint[role=status]").allTextContents())
      .toContain(T.intake.regionMatches(1));
    await chooseArea(page, "西河沿", "110102013901");
    // The area is optional, so a choice can be taken back (the map pick then places the ticket), and made again.
    await page.getByLabel(T.intake.region).selectOption({ label: T.intake.regionNone });
    expect(await page.getByLabel(T.intake.region).inputValue()).toBe("");
    await page.getByLabel(T.intake.regionFilter).press("Enter");
    expect(await page.getByLabel(T.intake.region).inputValue()).toBe("110102013901");
    await page.getByLabel(T.intake.reporterName).fill("张三丰");
    await page.getByLabel(T.intake.reporterPhone).fill("13900001234");

    // Submitted without a description: the error sits by the field, and nothing typed is lost.
    await page.getByRole("button", { name: T.intake.submit, exact: true }).click();
    await expect.poll(() => page.locator("#field-description-error").textContent()).toContain("请描述诉求");
    expect(await page.getByLabel(T.intake.description).getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByLabel(T.intake.address).inputValue()).toBe("前门西河沿街25号门前");
    expect(await page.getByLabel(T.intake.reporterPhone).inputValue()).toBe("13900001234");
    expect(await page.getByLabel(T.intake.region).inputValue()).toBe("110102013901");
    expect(await page.getByRole("radio", { name: T.types.complaint }).isChecked()).toBe(true);

    await page
      .getByLabel(T.intake.description)
      .fill("外来车辆长期占用西河沿街消防通道停放，居民出行不便，请尽快处理。");
    // Enter in a text field submits the form.
    await page.getByLabel(T.intake.address).press("Enter");
    await page.waitForURL(/\/tickets\/\d+$/);
    const ticketUrl = page.url();
    const number = (await page.locator(".ticket-head h1").textContent())!.replace(T.list.number, "").trim();
    expect(number).toMatch(/^\d{14}$/);
    await expect.poll(() => statusOf(page)).toBe(T.statuses.received);
    expect(await page.locator(".meta-list").first().textContent()).toContain("西河沿社区 › 大栅栏街道 › 西城区");
    expect(await page.locator(".meta-list").first().textContent()).toContain(T.detail.approximate);
    // The reporter is masked until someone who handles the ticket asks (and that view is audited).
    expect(await page.locator("main").textContent()).toContain("139****1234");
    expect(await page.locator("main").textContent()).not.toContain("13900001234");
    await page.getByRole("button", { name: T.detail.reveal }).click();
    await expect.poll(() => page.locator("main").textContent()).toContain("13900001234");

    // 派单 to the street: the catalogue's suggestion comes first.
    const dispatch = card(page, "dispatch");
    const unit = dispatch.getByLabel(T.detail.unitSelect);
    expect(await unit.locator(`optgroup[label="${T.detail.suggested}"] option`).allTextContents()).toEqual([
      "大栅栏街道办事处",
    ]);
    // Hundreds of units: only the suggestion comes with the page, the rest when the picker is first used.
    // Typing part of a name narrows the list, and Enter takes the first match — also when typed before
    // the list arrived (held back here), as soon as it has.
    expect(await unit.locator("option:not([hidden])").count()).toBe(1);
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route("**/unit-choices?*", async (route) => {
      await held;
      await route.continue();
    });
    const filter = dispatch.getByLabel(T.detail.unitFilter);
    await filter.fill("白纸坊");
    await filter.press("Enter");
    expect(await unit.getAttribute("aria-busy")).toBe("true");
    release();
    await expect
      .poll(() => unit.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent))
      .toBe("白纸坊街道办事处");
    expect(await unit.getAttribute("aria-busy")).toBeNull();
    await expect.poll(() => unit.locator("option:not([hidden])").allTextContents()).toEqual(["白纸坊街道办事处"]);
    await filter.fill("大栅栏街道");
    await filter.press("Enter");
    expect(await unit.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent)).toBe("大栅栏街道办事处");
    await act(page, dispatch, "dispatch");
    await expect.poll(() => statusOf(page)).toBe(T.statuses.dispatched);
    expect(unexpected(operator.problems)).toEqual([]);

    // 签收 and 转派 by the street, which stays the first receiver (首接).
    const street = await signedIn(env, "street");
    contexts.push(street.context);
    page = street.page;
    await page.goto(`${env.portal.url}/tickets`);
    expect(await page.locator(".queue-tabs a[aria-current=page]").textContent()).toBe(T.queues.to_accept);
    await page.getByRole("link", { name: number }).click();
    await page.waitForURL(ticketUrl);
    await act(page, card(page, "accept"), "accept");
    await expect.poll(() => statusOf(page)).toBe(T.statuses.accepted);
    // The clock runs from acceptance: a live countdown.
    await expect.poll(() => page.locator(".countdown-value").textContent()).toMatch(/^剩余 /);
    const redispatch = card(page, "redispatch");
    await redispatch.locator("summary").click();
    const handOn = redispatch.getByLabel(T.detail.unitSelect);
    await handOn.click();
    await expect.poll(() => handOn.locator("option").count()).toBeGreaterThan(2);
    const communities = await handOn.locator("option").allTextContents();
    expect(communities).toContain("西河沿社区居委会");
    expect(communities).not.toContain("白纸坊街道办事处"); // 首接负责: never another street
    await redispatch.getByLabel(T.detail.unitSelect).selectOption({ label: "西河沿社区居委会" });
    await redispatch.getByLabel(T.detail.note).fill("请社区先行处置");
    await act(page, redispatch, "redispatch");
    await expect.poll(() => statusOf(page)).toBe(T.statuses.dispatched);
    expect(unexpected(street.problems)).toEqual([]);

    // The community accepts, makes first contact and replies.
    const secretary = await signedIn(env, "secretary");
    contexts.push(secretary.context);
    page = secretary.page;
    await page.goto(`${env.portal.url}/tickets`);
    await page.getByRole("link", { name: number }).click();
    await page.waitForURL(ticketUrl);
    await act(page, card(page, "accept"), "accept");
    await card(page, "contact").getByLabel(T.detail.contactNote).fill("已电话联系来电人，约定今日现场查看。");
    await act(page, card(page, "contact"), "contact");
    await expect.poll(() => statusOf(page)).toBe(T.statuses.in_progress);
    await card(page, "reply")
      .getByLabel(T.detail.replyContent)
      .fill("已联合交通支队清理占道车辆，并在消防通道设置禁停标识。");
    await act(page, card(page, "reply"), "reply");
    await expect.poll(() => statusOf(page)).toBe(T.statuses.replied);
    expect(unexpected(secretary.problems)).toEqual([]);

    // The reporter, with no account, follows it from the login page and rates the outcome.
    const guest = await env.browser.newContext({
      locale: "zh-CN",
      viewport: { width: 390, height: 844 },
      isMobile: true,
    });
    contexts.push(guest);
    page = await guest.newPage();
    const guestProblems = watchPageErrors(page);
    await page.goto(`${env.portal.url}/login`);
    await page.getByRole("link", { name: T.track.loginLink }).click();
    await page.waitForURL(`${env.portal.url}/track`);
    await page.getByLabel(T.track.number).fill(number);
    await page.getByLabel(T.track.phoneLast4).fill("1234");
    await page.getByRole("button", { name: T.track.submit, exact: true }).click();
    const tracked = page.locator(".tracked");
    await expect.poll(() => tracked.locator(".status").textContent()).toBe(T.statuses.replied);
    expect(await tracked.textContent()).toContain("已联合交通支队清理占道车辆");
    expect(await tracked.textContent()).not.toContain("请社区先行处置"); // notes between units stay internal
    expect(await tracked.textContent()).toContain("张**");
    await tracked.getByRole("radio", { name: T.resolutions.resolved, exact: true }).check();
    await tracked.getByRole("radio", { name: T.satisfactions.satisfied, exact: true }).check();
    for (const score of ["speed", "effect", "attitude"] as const) {
      await tracked
        .locator(`fieldset:has(legend:text-is("${T.detail[score]}"))`)
        .getByRole("radio", { name: "5" })
        .check();
    }
    await tracked.getByLabel(T.detail.comment).fill("处理及时，谢谢！");
    await tracked.getByRole("button", { name: T.track.callbackSubmit }).click();
    await expect.poll(() => tracked.locator(".form-ok").textContent()).toBe(T.track.thanks);
    expect(await tracked.locator(".status").textContent()).toBe(T.statuses.called_back);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(unexpected(guestProblems)).toEqual([]);

    // 办结 by the operator; the page shows the whole record.
    page = operator.page;
    await page.goto(ticketUrl);
    await act(page, card(page, "close"), "close");
    await expect.poll(() => statusOf(page)).toBe(T.statuses.closed);
    const kinds = await page
      .locator(".timeline-item")
      .evaluateAll((items) => items.map((i) => i.getAttribute("data-kind")));
    expect(kinds).toEqual([
      "received",
      "dispatched",
      "accepted",
      "redispatched",
      "accepted",
      "contacted",
      "replied",
      "called_back",
      "closed",
    ]);
    const timeline = (await page.locator(".timeline").textContent())!;
    for (const text of [
      "大栅栏街道办事处",
      "西河沿社区居委会",
      "请社区先行处置",
      "已电话联系来电人",
      "已联合交通支队清理占道车辆",
      T.resolutions.resolved,
      T.satisfactions.satisfied,
      T.eventData.byReporter,
      "处理及时，谢谢！",
    ])
      expect(timeline).toContain(text);
    const units = (await page.locator("section[aria-labelledby=units-heading]").textContent())!;
    expect(units).toContain(T.firstReceiver);

    // The three rates moved: this month's scorecard of 西河沿 counts the ticket (dispatched to it via the
    // street) and its callback, and shows rates computed from them.
    const after = await scorecardRow(operator.page, "西河沿社区居委会");
    expect(after.dispatched).toBe(before.dispatched + 1);
    expect(after.callbacks).toBe(before.callbacks + 1);
    expect(after.cells[5]).toMatch(/%$/);
    expect(after.cells[7]).toMatch(/%$/);

    expect(unexpected(operator.problems)).toEqual([]);
    await Promise.all(contexts.map((c) => c.close()));
    // Five people in four browser contexts through a dozen pages: more than the default 30 s on a busy machine.
  }, 120_000);
});

describe("the intake map", () => {
  it("draws the district boundaries offline, fills lon/lat from a click and says where it places the ticket", async () => {
    const { context, page, problems } = await signedIn(env, "operator");
    const outside: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith(env.portal.url) && !r.url().startsWith("blob:") && !r.url().startsWith("data:"))
        outside.push(r.url());
    });
    await page.goto(`${env.portal.url}/tickets/new`);
    await page.locator('.map-frame[data-state="ready"]').waitFor();
    const canvas = page.locator(".map-canvas canvas.mapboxgl-canvas");
    await canvas.waitFor();

    // Not blank: the rendered canvas holds the background, the district fill and the boundary lines.
    await expect.poll(() => distinctColours(page, canvas), { timeout: 15_000 }).toBeGreaterThan(3);

    expect(await page.locator('input[name="lon"]').inputValue()).toBe("");
    // Nothing is classified unasked: the category list starts with no choice.
    expect(await page.locator("#field-categoryId").inputValue()).toBe("");
    const box = (await canvas.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.locator('input[name="lon"]').inputValue()).not.toBe("");
    const lon = Number(await page.locator('input[name="lon"]').inputValue());
    const lat = Number(await page.locator('input[name="lat"]').inputValue());
    expect(lon).toBeGreaterThan(115.4);
    expect(lon).toBeLessThan(117.6);
    expect(lat).toBeGreaterThan(39.4);
    expect(lat).toBeLessThan(41.1);
    const status = page.locator(".map-picked [role=status]");
    expect(await status.textContent()).toContain("已选位置");
    expect(await page.locator(".map-canvas .mapboxgl-marker").count()).toBe(1);
    // The view's centre is far from every demo community: the ticket would be placed by its district only
    // (said once the areas, fetched with the first pick, are in).
    await expect.poll(() => status.textContent()).toContain(T.intake.pickedNoCommunity);

    // A chosen area takes the map there, and it is what counts: the pick is not placed separately.
    await page.getByLabel(T.intake.regionFilter).fill("西河沿");
    await page.getByLabel(T.intake.regionFilter).press("Enter");
    await expect.poll(() => status.textContent()).not.toContain(T.intake.pickedNoCommunity);
    expect(await status.textContent()).not.toContain(T.intake.pickedCommunity(""));
    // Without the area, a pick at that community (the map's centre, marked from the keyboard once the map has
    // arrived there) is placed in it, as the service will place it.
    await page.getByLabel(T.intake.region).selectOption({ label: T.intake.regionNone });
    await expect
      .poll(async () => {
        await canvas.press("Enter");
        return status.textContent();
      })
      .toContain(T.intake.pickedCommunity("大栅栏街道 › 西河沿社区"));

    // Clearing the point empties the inputs again.
    await page.getByRole("button", { name: T.map.clear }).click();
    expect(await page.locator('input[name="lon"]').inputValue()).toBe("");
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe("dispatching at intake", () => {
  it("fetches the units when 立即派单 is chosen, suggests by category and place, and dispatches", async () => {
    const { context, page, problems } = await signedIn(env, "operator");
    const fetched = requestsTo(page, "/tickets/units");
    await page.goto(`${env.portal.url}/tickets/new`);
    // The page itself names no unit: they come when dispatching is chosen.
    expect(await page.content()).not.toContain("白纸坊街道办事处");
    await page.getByRole("radio", { name: T.types.complaint }).check();
    await page.getByLabel(T.intake.categoryFilter).fill("占道停车");
    await page.getByLabel(T.intake.categoryFilter).press("Enter");
    // The areas come with the first use of their picker, as the units come with 立即派单.
    const areasFetched = requestsTo(page, "/tickets/regions");
    expect(await page.content()).not.toContain("西河沿社区");
    await chooseArea(page, "西河沿", "110102013901");
    expect(areasFetched).toHaveLength(1);
    expect(fetched).toEqual([]);
    await page.getByRole("radio", { name: T.intake.dispositions.dispatch }).check();
    const unit = page.getByLabel(T.intake.dispatchTo, { exact: true });
    await expect
      .poll(() => unit.locator(`optgroup[label="${T.detail.suggested}"] option`).allTextContents())
      .toEqual(["大栅栏街道办事处"]);
    expect(await unit.locator("option").count()).toBeGreaterThan(100);
    expect(fetched).toHaveLength(1);
    // The suggestion follows the place.
    await chooseArea(page, "白纸坊街道", "110102019");
    expect(areasFetched).toHaveLength(1);
    await expect
      .poll(() => unit.locator(`optgroup[label="${T.detail.suggested}"] option`).allTextContents())
      .toEqual(["白纸坊街道办事处"]);
    await page.getByLabel(T.detail.unitFilter).fill("白纸坊街道");
    await page.getByLabel(T.detail.unitFilter).press("Enter");
    await page.getByLabel(T.intake.address).fill("白纸坊街道菜园街1号");
    await page.getByLabel(T.intake.reporterName).fill("李四");
    await page.getByLabel(T.intake.reporterPhone).fill("13900005678");
    await page.getByLabel(T.intake.description).fill("菜园街路口车辆长期占道停放，影响通行。");
    await page.getByRole("button", { name: T.intake.submit, exact: true }).click();
    await page.waitForURL(/\/tickets\/\d+$/);
    await expect.poll(() => statusOf(page)).toBe(T.statuses.dispatched);
    expect(await page.locator("main").textContent()).toContain("白纸坊街道办事处");
    expect(unexpected(problems)).toEqual([]);
    await context.close();
  });
});

describe("the queue's filters", () => {
  it("fetch their category and area lists when the panel opens, and keep a chosen one across a reload", async () => {
    const { context, page, problems } = await signedIn(env, "operator");
    const fetched = requestsTo(page, "/tickets/filter-choices");
    await page.goto(`${env.portal.url}/tickets?queue=all`);
    const category = page.locator("#filter-category");
    // The page carries no lists: only 'any'.
    expect(await category.locator("option").count()).toBe(1);
    expect(await page.locator("#filter-region option").count()).toBe(1);
    expect(fetched).toEqual([]);

    await page.locator("details.filters summary").click();
    await expect.poll(() => category.locator("option").count()).toBeGreaterThan(100);
    expect(await page.locator("#filter-region option").count()).toBeGreaterThan(100);
    expect(fetched).toHaveLength(1);
    const parking = category.locator("option", { hasText: "占道停车" });
    const label = (await parking.textContent())!;
    await category.selectOption({ label });
    await page.locator("#filter-region").selectOption({ label: "大栅栏街道 › 西河沿社区" });
    await page.getByRole("button", { name: T.list.apply }).click();
    await page.waitForURL(/categoryId=\d+.*regionCode=110102013901|regionCode=110102013901.*categoryId=\d+/);
    // The URL changes as the navigation commits; the filtered rows replace the old ones a render later.
    const rows = page.locator("table.ticket-table tbody tr");
    const filtered = async () => {
      const texts = await rows.allTextContents();
      return texts.length > 0 && texts.every((r) => r.includes("占道停车"));
    };
    await expect.poll(filtered).toBe(true);

    // A fresh load shows the chosen ones from the page itself (the panel is open: the lists follow).
    await page.reload();
    expect(await category.locator("option:checked").textContent()).toBe(label);
    expect(await page.locator("#filter-region option:checked").textContent()).toBe("大栅栏街道 › 西河沿社区");
    await expect.poll(() => category.locator("option").count()).toBeGreaterThan(100);
    expect(await category.locator("option:checked").textContent()).toBe(label);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe("the queue's links: rows, tabs, pages and the header", () => {
  it("open a ticket within the page, also after the list was empty, and leave a modified click to the browser", async () => {
    // The newest ticket, first in the queue, written by someone who tries markup: its rows are written as text.
    const database = env.portal.portal.database;
    const leaf = await database.db.query.categories.findFirst({ where: eq(categories.name, "占道停车") });
    const hostile = `<img src=x onerror="window.__injected=1">'&"<script>x</script>`;
    await createTicket(database, await actorOf(database, "operator"), {
      type: "complaint",
      categoryId: leaf!.id,
      description: `占道停车 ${hostile}`,
      address: `西河沿街口 ${hostile}`,
      regionCode: "110102013901",
      reporterName: "<b>x</b>",
      reporterPhone: "13900005679",
    });
    const { context, page, problems } = await signedIn(env, "operator");
    const documents: string[] = [];
    page.on("request", (r) => {
      if (r.resourceType() === "document") documents.push(new URL(r.url()).pathname);
    });
    await page.goto(`${env.portal.url}/tickets?queue=all`);
    const body = page.locator("table.ticket-table tbody");
    const link = body.locator("a.ticket-number").first();
    const href = (await link.getAttribute("href"))!;
    expect(href).toMatch(/^\/tickets\/\d+$/);
    // A link is a link before the page is interactive too; the row links carry route discovery as a Link does.
    expect(await link.getAttribute("data-discover")).toBe("true");
    // Hydrated (React has claimed the rows) and its effects run: the click is the page's to handle.
    await page.waitForFunction(() => {
      const rows = document.querySelector("table.ticket-table tbody");
      return !!rows && Object.keys(rows).some((k) => k.startsWith("__reactFiber"));
    });
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0))));
    const firstRow = body.locator("tr").first();
    /** The hostile ticket's row shows what was typed, as text, and nothing in the rows ran or became an element. */
    const writtenAsText = async () => {
      expect(await firstRow.locator(".ticket-summary").textContent()).toContain(hostile);
      expect(await firstRow.locator("small").textContent()).toBe(`西河沿街口 ${hostile}`);
      // Masked for the list (first character, then stars): the "<" is text too.
      expect(await firstRow.locator("td").last().textContent()).toBe("<*******");
      expect(await body.locator("img, script").count()).toBe(0);
      expect(await page.evaluate(() => (window as { __injected?: number }).__injected)).toBeUndefined();
    };
    await writtenAsText();

    // The queue tabs are plain anchors too: a click switches the queue in the page, and marks the tab.
    const tabs = page.getByRole("navigation", { name: T.list.queuesLabel });
    await tabs.getByRole("link", { name: T.queues.to_dispatch, exact: true }).click();
    await page.waitForURL(/queue=to_dispatch/);
    await expect.poll(() => tabs.locator("a[aria-current=page]").textContent()).toBe(T.queues.to_dispatch);
    await tabs.getByRole("link", { name: T.queues.all, exact: true }).click();
    await page.waitForURL(/queue=all/);
    await expect.poll(() => tabs.locator("a.active").textContent()).toBe(T.queues.all);

    // Ctrl-click: a new tab with the ticket; this page stays.
    const [tab] = await Promise.all([context.waitForEvent("page"), link.click({ modifiers: ["Control"] })]);
    await tab.waitForLoadState();
    expect(new URL(tab.url()).pathname).toBe(href);
    await tab.close();
    expect(new URL(page.url()).pathname).toBe("/tickets");

    // The rows come and go with the page's data: after an empty result and back, the links still open in the page.
    await page.locator("details.filters summary").click();
    await page.locator("#filter-q").fill("zzqqxxyy");
    await page.getByRole("button", { name: T.list.apply }).click();
    await expect.poll(() => page.locator("table.ticket-table").count()).toBe(0);
    await page.getByRole("link", { name: T.list.reset }).click();
    await expect.poll(() => link.count()).toBe(1);
    // The pages' links too: the next page and back to the first, in the page.
    const firstNumber = await link.textContent();
    await page.getByRole("link", { name: T.list.next }).click();
    await page.waitForURL(/cursor=/);
    await expect.poll(() => link.textContent()).not.toBe(firstNumber);
    await page.getByRole("link", { name: T.list.first }).click();
    await page.waitForURL((url) => !url.search.includes("cursor="));
    await expect.poll(() => link.textContent()).toBe(firstNumber);
    // These rows were written in the browser, from the page's data.
    await writtenAsText();
    const [again, againNumber] = [(await link.getAttribute("href"))!, (await link.textContent())!];

    // A plain click: the ticket opens in this page, without loading a new document.
    await link.click();
    await page.waitForURL(`${env.portal.url}${again}`);
    await expect.poll(() => page.title()).toMatch(new RegExp(`^${againNumber} · `));

    // The header's links: 工单 is current below /tickets, and a click on 三率 stays in the page and moves the mark.
    const nav = page.locator("#primary-nav");
    expect(await nav.locator("a[aria-current=page]").textContent()).toBe(zhCN.nav.tickets);
    await nav.getByRole("link", { name: zhCN.nav.rates, exact: true }).click();
    await page.waitForURL(`${env.portal.url}/rates`);
    await expect.poll(() => nav.locator("a[aria-current=page]").textContent()).toBe(zhCN.nav.rates);
    expect(await nav.locator("a.active").count()).toBe(1);
    expect(documents).toEqual(["/tickets"]);
    expect(problems).toEqual([]);
    await context.close();
  });
});

describe("a step the ticket has moved past", () => {
  it("shows the service's reason at the top and keeps what was typed", async () => {
    const database = env.portal.portal.database;
    const leaf = await database.db.query.categories.findFirst({ where: eq(categories.name, "占道停车") });
    const { id } = await createTicket(database, await actorOf(database, "operator"), {
      type: "complaint",
      categoryId: leaf!.id,
      description: "西河沿街口车辆占道停放",
      address: "西河沿街口",
      regionCode: "110102013901",
      reporterPhone: "13900005678",
    });
    const { context, page, problems } = await signedIn(env, "operator");
    await page.goto(`${env.portal.url}/tickets/${id}`);
    const stale = await context.newPage();
    await stale.goto(`${env.portal.url}/tickets/${id}`);

    // A colleague dispatches first …
    await card(page, "dispatch").getByLabel(T.detail.unitSelect).selectOption({ label: "大栅栏街道办事处" });
    await act(page, card(page, "dispatch"), "dispatch");

    // … so the stale page's dispatch is refused with the state machine's reason, and its input stays.
    const dispatch = card(stale, "dispatch");
    await dispatch.getByLabel(T.detail.unitSelect).selectOption({ label: "大栅栏街道办事处" });
    await dispatch.getByLabel(T.detail.note).fill("请街道尽快核实");
    await dispatch.getByRole("button", { name: T.actions.dispatch, exact: true }).click();
    await expect
      .poll(() => stale.getByRole("alert").textContent())
      .toBe(`工单当前状态为「${T.statuses.dispatched}」，不能「${T.actions.dispatch}」`);
    expect(await dispatch.getByLabel(T.detail.note).inputValue()).toBe("请街道尽快核实");
    expect(unexpected(problems)).toEqual([]);
    await context.close();
  });
});
