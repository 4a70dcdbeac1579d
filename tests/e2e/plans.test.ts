/**
 * The live plan in a real Chromium against the real portal: the community
 * secretary creates the plan from the council page; she (the chair, for the
 * community), the property manager and the housing bureau open it in three
 * browser contexts, see each other online, co-edit the text with each
 * other's carets, each add rows to their own task list (and cannot type in
 * another's), edit offline and see it arrive after reconnecting; the chair
 * freezes a version, an edit turns it into a draft that cannot be signed,
 * she freezes again and all three required parties sign.
 */
import type { BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { zhCN } from "../../app/i18n/zh-CN";
import { createCouncil } from "../../server/councils";
import { actorOf, orgId } from "../helpers/database";
import { signedIn, useBrowserAndPortal } from "../helpers/e2e";

const env = useBrowserAndPortal();
const P = zhCN.plans;
const E = P.editor;
const V = P.versions;
const W = zhCN.planWork.versions;

const PROPERTY = "北京宣房大德物业管理有限公司";
const HOUSING = "西城区住房和城市建设委员会";
const COMMUNITY = "西河沿社区居委会";

interface Person {
  context: BrowserContext;
  page: Page;
  problems: string[];
}
const people = {} as Record<"secretary" | "property" | "housing", Person>;
let councilId: number;
let planUrl: string;

/** Chromium reports a refused form (400) as a failed resource; that is the page working. */
const unexpected = (problems: string[]) =>
  problems.filter((p) => !/Failed to load resource: the server responded with a status of 400/.test(p));

const text = (page: Page) => page.locator(".plan-text");
const tasks = (page: Page) => page.locator("section[data-list=tasks]");
/** A task list cell: the inputs are labelled "<list> <party> <row> <column>". */
const taskCell = (page: Page, party: string, row: number, column: string) =>
  tasks(page).getByLabel(`任务清单 ${party} ${row} ${column}`, { exact: true });
const status = (page: Page) => page.locator(".plan-status");
const online = (page: Page) => page.locator(".plan-presence li").allTextContents();

/** Opens the plan and waits until every document synced (the page says it is connected). */
async function openPlan(person: Person) {
  await person.page.goto(planUrl);
  await expect.poll(() => status(person.page).textContent()).toContain(E.connection.connected);
}

async function typeInto(locator: Locator, value: string) {
  await locator.click();
  await locator.fill(value);
}

beforeAll(async () => {
  const database = env.portal.portal.database;
  councilId = await createCouncil(database, await actorOf(database, "secretary"), {
    title: "西河沿错时停车方案",
    description: "夜间错时停车，施划临时泊位",
    regionCode: "110102013901",
    address: "西河沿社区居委会",
    cooperatingOrgIds: [await orgId(database, PROPERTY), await orgId(database, HOUSING)],
  });
});

afterAll(async () => {
  for (const p of Object.values(people)) await p.context.close();
});

describe("一方案三清单, live", () => {
  it("the convener creates the plan from the council page (a half-filled custom list is refused)", async () => {
    people.secretary = await signedIn(env, "secretary");
    const page = people.secretary.page;
    await page.goto(`${env.portal.url}/councils/${councilId}`);
    await page.getByLabel(P.create.customTitle(1)).fill("宣传清单");
    await page.getByRole("button", { name: P.create.submit }).click();
    await expect.poll(() => page.locator("#customLists-error").textContent()).toContain("至少一列");
    await page.getByLabel(P.create.customTitle(1)).fill("");
    // Left to the street: 大栅栏 is not a governance-type street, so three lists.
    expect(await page.getByLabel(P.create.template).inputValue()).toBe("");
    await page.getByRole("button", { name: P.create.submit }).click();
    await page.waitForURL(/\/plans\/\d+$/);
    planUrl = page.url();
    await expect.poll(() => status(page).textContent()).toContain(E.connection.connected);
    expect(await page.locator("h1").textContent()).toContain("西河沿错时停车方案 · 方案");
    expect(await page.locator("section.plan-list h2").allTextContents()).toEqual(["问题清单", "任务清单", "责任清单"]);
  });

  it("each sees who else is here, with their organisation", async () => {
    people.property = await signedIn(env, "property");
    people.housing = await signedIn(env, "housing");
    await openPlan(people.property);
    await openPlan(people.housing);
    for (const p of Object.values(people)) await expect.poll(async () => (await online(p.page)).length).toBe(3);
    const seen = (await online(people.secretary.page)).join(" | ");
    expect(seen).toContain(`刘伟（${PROPERTY}）`);
    expect(seen).toContain(`陈志强（${HOUSING}）`);
  });

  it("text typed by one appears for the others, with the typist's caret", async () => {
    const sec = people.secretary.page;
    await text(sec).click();
    await sec.keyboard.type("一、夜间19:00至次日7:00实行错时停车。");
    for (const p of [people.property.page, people.housing.page])
      await expect.poll(() => text(p).textContent()).toContain("夜间19:00至次日7:00实行错时停车");
    // The property manager sees the secretary's caret, labelled with her name.
    await expect
      .poll(() => text(people.property.page).locator(".collaboration-carets__label").allTextContents())
      .toContain("张丽华");
    await expect.poll(() => status(sec).textContent()).toContain(E.saved);
  });

  it("each adds a row to their own task list; the others see it and cannot type in it", async () => {
    const prop = people.property.page;
    await tasks(prop)
      .getByRole("button", { name: `${E.addRow}（${PROPERTY}）` })
      .click();
    await typeInto(taskCell(prop, PROPERTY, 1, "任务"), "施划临时泊位");
    await typeInto(taskCell(prop, PROPERTY, 1, "量化目标"), "40个");
    await taskCell(prop, PROPERTY, 1, "完成时限").fill("2026-12-31");
    await taskCell(prop, PROPERTY, 1, "状态").selectOption("in_progress");
    // No button to add rows for another party, and another party's cells are read-only.
    expect(
      await tasks(prop)
        .getByRole("button", { name: `${E.addRow}（${HOUSING}）` })
        .count(),
    ).toBe(0);

    const house = people.housing.page;
    await tasks(house)
      .getByRole("button", { name: `${E.addRow}（${HOUSING}）` })
      .click();
    await typeInto(taskCell(house, HOUSING, 1, "任务"), "协调周边单位错时开放车位");

    const sec = people.secretary.page;
    await expect.poll(() => taskCell(sec, PROPERTY, 1, "任务").inputValue()).toBe("施划临时泊位");
    await expect.poll(() => taskCell(sec, PROPERTY, 1, "状态").inputValue()).toBe("in_progress");
    await expect.poll(() => taskCell(sec, PROPERTY, 1, "完成时限").inputValue()).toBe("2026-12-31");
    await expect.poll(() => taskCell(prop, HOUSING, 1, "任务").inputValue()).toBe("协调周边单位错时开放车位");
    expect(await taskCell(sec, PROPERTY, 1, "任务").getAttribute("readonly")).not.toBeNull();
    expect(await taskCell(prop, HOUSING, 1, "任务").getAttribute("readonly")).not.toBeNull();

    // The secretary adds the community's own task; the others see which cell she is in.
    await tasks(sec)
      .getByRole("button", { name: `${E.addRow}（${COMMUNITY}）` })
      .click();
    await typeInto(taskCell(sec, COMMUNITY, 1, "任务"), "组织居民代表监督");
    await expect.poll(() => taskCell(prop, COMMUNITY, 1, "任务").inputValue()).toBe("组织居民代表监督");
    await expect
      .poll(() => tasks(prop).locator("td[data-editing]").first().getAttribute("data-editing"))
      .toBe("张丽华");
  });

  it("an edit made offline arrives when the connection returns", async () => {
    const prop = people.property;
    await expect.poll(() => status(prop.page).textContent()).toContain(E.saved);
    await prop.context.setOffline(true);
    await expect.poll(() => status(prop.page).textContent()).toContain(E.connection.offline);
    await typeInto(taskCell(prop.page, PROPERTY, 1, "量化目标"), "60个");
    await expect.poll(() => status(prop.page).textContent()).toContain(E.unsaved);
    // Meanwhile the others still see the old target.
    expect(await taskCell(people.secretary.page, PROPERTY, 1, "量化目标").inputValue()).toBe("40个");
    await prop.context.setOffline(false);
    await expect.poll(() => status(prop.page).textContent()).toContain(E.connection.connected);
    await expect.poll(() => status(prop.page).textContent()).toContain(E.saved);
    await expect.poll(() => taskCell(people.secretary.page, PROPERTY, 1, "量化目标").inputValue()).toBe("60个");
  });

  it("the chair freezes a version; an edit makes it a draft that cannot be signed", async () => {
    const sec = people.secretary.page;
    expect(await people.property.page.getByRole("button", { name: V.freeze }).count()).toBe(0);
    await sec.getByRole("button", { name: V.freeze }).click();
    await expect.poll(() => sec.locator(".plan-signoff .form-ok").textContent()).toBe(V.frozen);
    await expect.poll(() => sec.locator(".plan-signoff h2").textContent()).toContain(V.latest(1));
    await expect.poll(() => sec.locator(".plan-signoff-summary").textContent()).toBe(V.waiting(3));

    const prop = people.property.page;
    await prop.reload();
    await prop.getByRole("button", { name: V.signFor(PROPERTY) }).click();
    await expect
      .poll(() => prop.locator(`.signers li[data-signed=true]`).allTextContents())
      .toEqual([expect.stringContaining(`${PROPERTY}：刘伟`)]);

    // The secretary adds a line: the live plan no longer equals version 1.
    await text(sec).click();
    await sec.keyboard.press("End");
    await sec.keyboard.type("二、救护车通道全天保留。");
    const house = people.housing.page;
    await house.reload();
    await expect.poll(() => house.locator(".plan-draft").textContent()).toBe(V.draftChanged);
    expect(await house.getByRole("button", { name: V.signFor(HOUSING) }).count()).toBe(0);
  });

  it("the chair freezes again and every required party signs", async () => {
    const sec = people.secretary.page;
    // Nothing signed by everyone yet: nothing to print or export.
    expect(await sec.getByRole("link", { name: W.print }).count()).toBe(0);
    await sec.getByRole("button", { name: V.freeze }).click();
    await expect.poll(() => sec.locator(".plan-signoff h2").textContent()).toContain(V.latest(2));
    // Version 1's signature does not carry over.
    await expect.poll(() => sec.locator(".plan-signoff-summary").textContent()).toBe(V.waiting(3));
    for (const [person, org] of [
      [people.property, PROPERTY],
      [people.housing, HOUSING],
      [people.secretary, COMMUNITY],
    ] as const) {
      await person.page.reload();
      await person.page.getByRole("button", { name: V.signFor(org) }).click();
      await expect
        .poll(() => person.page.locator(`.signers li[data-signed=true]`).allTextContents())
        .toContainEqual(expect.stringContaining(org));
    }
    await expect.poll(() => sec.locator(".plan-signoff-summary").textContent()).toBe(V.allSigned);
    await people.property.page.reload();
    expect(await people.property.page.locator(".plan-signoff-summary").textContent()).toBe(V.allSigned);
    expect(await people.property.page.getByRole("link", { name: W.print }).getAttribute("href")).toMatch(
      /^\/plans\/\d+\/print$/,
    );
    // The tasks are now tracked commitments, each with its owner, on the plan page.
    const commitments = people.property.page.locator(".commitments .commitment");
    await expect.poll(() => commitments.count()).toBe(3);
    expect(await commitments.filter({ hasText: "施划临时泊位" }).textContent()).toContain(PROPERTY);
    expect(await commitments.filter({ hasText: "协调周边单位错时开放车位" }).textContent()).toContain(HOUSING);
    for (const p of Object.values(people)) expect(unexpected(p.problems)).toEqual([]);
  });

  it("a reader outside the council (the hotline operator) follows it read-only", async () => {
    const operator = await signedIn(env, "operator");
    try {
      await openPlan(operator);
      await expect.poll(() => text(operator.page).textContent()).toContain("救护车通道全天保留");
      expect(await text(operator.page).getAttribute("contenteditable")).toBe("false");
      expect(await operator.page.locator("#plan-text-heading").textContent()).toContain(E.readOnly);
      expect(await operator.page.getByRole("button", { name: new RegExp(E.addRow) }).count()).toBe(0);
      expect(await taskCell(operator.page, PROPERTY, 1, "量化目标").inputValue()).toBe("60个");
      expect(await taskCell(operator.page, PROPERTY, 1, "量化目标").getAttribute("readonly")).not.toBeNull();
      expect(await operator.page.getByRole("button", { name: V.freeze }).count()).toBe(0);
      expect(await operator.page.locator(".plan-signoff-summary").textContent()).toBe(V.allSigned);
      expect(unexpected(operator.problems)).toEqual([]);
    } finally {
      await operator.context.close();
    }
  });
});
