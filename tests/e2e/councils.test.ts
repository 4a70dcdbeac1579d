/**
 * A whistle to a published decision in a real Chromium against the real
 * portal: the secretary blows the whistle on a resident's ticket, the housing
 * bureau reports, a council meets, a vote passes, the members present sign,
 * the decision is published — and the ticket's reporter finds it on the public
 * page (without an account, names masked) and on their own ticket.
 */
import type { BrowserContext, Locator, Page } from "playwright-core";
import { and, desc, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { zhCN } from "../../app/i18n/zh-CN";
import { tickets, users } from "../../db/schema";
import { settled, watchPageErrors } from "../helpers/browser";
import { signedIn, useBrowserAndPortal } from "../helpers/e2e";

const env = useBrowserAndPortal();
const C = zhCN.councils;

/** Chromium reports a refused form (400/409) as a failed resource; that is the page working. */
const unexpected = (problems: string[]) =>
  problems.filter((p) => !/Failed to load resource: the server responded with a status of (400|403|409)/.test(p));

/**
 * Clicks a form's button and waits for its confirmation (errors are collected too, so a refusal shows
 * in the failure), then for the page's data to be reloaded: leaving the page while that reload is in
 * flight aborts it, and the browser logs the abort as an error.
 */
async function submit(scope: Locator, button: string, done: string) {
  await scope.getByRole("button", { name: button, exact: true }).click();
  await expect
    .poll(() => scope.page().locator(".form-ok, .form-error, .field-error").allTextContents())
    .toContain(done);
  await settled(scope.page());
}

const item = (page: Page) => page.locator("li.agenda-item").first();

/** Tomorrow at 15:00 Beijing, as a datetime-local value. */
function tomorrowAfternoon(): string {
  const d = new Date(Date.now() + 8 * 3_600_000 + 24 * 3_600_000);
  return `${d.toISOString().slice(0, 10)}T15:00`;
}

/** One journey in steps (sequential in this file), sharing who is signed in and what was made. */
interface Session {
  context: BrowserContext;
  page: Page;
  problems: string[];
}
const journey = {} as {
  ticket: { id: number; number: string };
  secretary: Session;
  housing: Session;
  resident: Session;
  whistleUrl: string;
  councilUrl: string;
  councilId: number;
};
const decisionText = "由住建委协调园林部门于两周内完成大树修剪，物业配合清运枝杈";

describe("吹哨报到 to 决议公示", () => {
  afterAll(async () => {
    for (const s of [journey.secretary, journey.housing, journey.resident]) await s?.context.close();
  });

  it("the secretary blows the whistle from the resident's ticket", async () => {
    const db = env.portal.portal.database.db;
    const resident = await db.query.users.findFirst({ where: eq(users.username, "resident") });
    // The resident's latest call (a demo ticket in 西河沿) is the one this council settles.
    const ticket = (await db
      .select({ id: tickets.id, number: tickets.number })
      .from(tickets)
      .where(and(eq(tickets.reporterUserId, resident!.id), eq(tickets.communityCode, "110102013901")))
      .orderBy(desc(tickets.receivedAt))
      .get())!;
    journey.ticket = ticket;
    journey.secretary = await signedIn(env, "secretary");
    const page = journey.secretary.page;
    // From the ticket's own page: its number and community come along.
    await page.goto(`${env.portal.url}/tickets/${ticket.id}`);
    await page.getByRole("link", { name: C.whistle.fromTicket }).click();
    await page.waitForURL(/\/councils\/whistles\/new\?/);
    expect(await page.getByLabel(C.whistle.tickets).inputValue()).toBe(ticket.number);
    // Without a unit the form says so, in Chinese, and keeps what was typed.
    await page.getByLabel(C.whistle.problem).fill("西河沿街院内大树枝杈伸向住户窗户，涉及房屋安全，社区无权处置");
    await page.getByRole("button", { name: C.whistle.submit, exact: true }).click();
    await expect.poll(() => page.locator("#orgIds-error").textContent()).toContain("请至少选择一个被召集单位");
    expect(await page.getByLabel(C.whistle.problem).inputValue()).toContain("西河沿街院内大树");
    // The units are many: the filter narrows them, keeps what is checked in view, and Enter checks the first match.
    const units = page.getByRole("group", { name: C.whistle.units });
    const filter = units.getByLabel(zhCN.common.filter);
    await filter.fill("城市管理");
    const visible = () => units.locator("label:visible").allTextContents();
    await expect.poll(visible).not.toContainEqual(expect.stringContaining("住房和城市建设"));
    await filter.press("Enter");
    await filter.fill("住房 建设");
    await filter.press("Enter");
    await expect.poll(visible).toContainEqual(expect.stringContaining("住房和城市建设"));
    expect((await visible()).some((label) => label.includes("城市管理"))).toBe(true);
    // Taken back: one unit is enough here.
    await units.getByRole("checkbox", { name: /城市管理/ }).uncheck();
    await filter.fill("");
    expect(await units.getByRole("checkbox", { name: /西城区住房和城市建设委员会/ }).isChecked()).toBe(true);
    await page.getByRole("button", { name: C.whistle.submit, exact: true }).click();
    await expect.poll(() => page.locator(".form-ok").textContent()).toBe(C.whistle.created);
    await page.getByRole("link", { name: C.whistle.view }).click();
    await page.waitForURL(/\/councils\/whistles\/\d+$/);
    journey.whistleUrl = page.url();
    expect(await page.locator("tr", { hasText: "西城区住房和城市建设委员会" }).textContent()).toContain(
      C.reportStates.pending,
    );
  });

  it("the housing bureau finds it in its list and notifications, and reports", async () => {
    journey.housing = await signedIn(env, "housing");
    const page = journey.housing.page;
    await expect.poll(() => page.locator(".notifications-link").textContent()).toMatch(/通知 \d+/);
    await page.goto(`${env.portal.url}/councils`);
    expect(await page.locator(".whistle-list li", { hasText: C.list.toReport }).count()).toBe(1);
    await page.goto(journey.whistleUrl);
    await page.getByLabel(C.whistle.reportNote).fill("已派员到现场");
    await submit(page.locator("main"), C.whistle.report, C.whistle.reportDone);
    await expect
      .poll(() => page.locator("tr", { hasText: "西城区住房和城市建设委员会" }).textContent())
      .toContain(C.reportStates.on_time);
  });

  it("the secretary opens a council from the whistle, moves it to deliberation and schedules a meeting", async () => {
    const page = journey.secretary.page;
    await page.goto(journey.whistleUrl);
    await page.getByRole("link", { name: C.whistle.openCouncil }).click();
    await page.waitForURL(/\/councils\/new\?whistleId=\d+$/);
    await page.getByLabel(C.council.titleField).fill("西河沿街大树修剪圆桌会议");
    await page
      .getByLabel(C.council.description)
      .fill("大树枝杈伸向住户窗户，刮风时危险，请住建委与居民共同商定修剪方案。");
    await page.getByLabel(C.council.address).fill("西河沿社区居委会");
    // Representatives are found by name, not listed: type part of it, add the one found.
    const reps = page.getByRole("group", { name: C.council.residents });
    await reps.getByLabel(C.residentSearch.label).fill("周");
    await reps.getByRole("button", { name: C.residentSearch.add("周大爷") }).click();
    expect(await reps.getByRole("checkbox", { name: /周大爷/ }).isChecked()).toBe(true);
    await page.getByRole("button", { name: C.council.submit, exact: true }).click();
    await page.waitForURL(/\/councils\/\d+$/);
    journey.councilUrl = page.url();
    journey.councilId = Number(page.url().split("/").at(-1));
    expect(await page.locator(".stage-bar [aria-current=step]").textContent()).toBe(C.stages.topic_intake);
    expect(await page.locator(".party-list").textContent()).toContain("西城区住房和城市建设委员会");

    const stageForm = page.locator("section[aria-labelledby=stage-heading]");
    for (const stage of ["review", "deliberation"] as const) {
      await stageForm.getByLabel(C.council.to).selectOption({ label: C.stages[stage] });
      await stageForm.getByRole("button", { name: C.council.changeStage }).click();
      await expect.poll(() => page.locator(".stage-bar [aria-current=step]").textContent()).toBe(C.stages[stage]);
    }

    // A meeting, announced in advance, with an .ics invitation.
    await page.getByLabel(C.meeting.titleField).fill("大树修剪议事会");
    await page.getByLabel(C.meeting.startsAt).fill(tomorrowAfternoon());
    await page.getByLabel(C.meeting.agendaItem(1), { exact: true }).fill("大树修剪方案");
    await page.getByLabel(C.meeting.agendaTickets(1)).fill(journey.ticket.number);
    await submit(page.locator("main"), C.meeting.submit, C.meeting.scheduled);
    const ics = await page.request.get(
      `${env.portal.url}${await page.getByRole("link", { name: C.meeting.ics }).getAttribute("href")}`,
    );
    expect(ics.headers()["content-type"]).toContain("text/calendar");
    expect(await ics.text()).toContain("SUMMARY:大树修剪议事会");
  });

  it("attendance, and a vote among those present passes", async () => {
    const page = journey.secretary.page;
    const { councilUrl } = journey;
    // Attendance, then a vote among those present.
    const meeting = page.locator("article.meeting").first();
    for (const name of ["张丽华", "陈志强", "周大爷"])
      await meeting.getByRole("checkbox", { name: new RegExp(name) }).check();
    await submit(meeting, C.meeting.recordAttendance, C.meeting.attendanceDone);
    await submit(item(page), C.vote.open, C.vote.opened);
    const vote = async (p: Page) => {
      await p.goto(councilUrl);
      await item(p).getByRole("radio", { name: C.vote.choices.for }).check();
      await submit(item(p), C.vote.cast, C.vote.castDone);
    };
    await vote(page);
    await vote(journey.housing.page);
    journey.resident = await signedIn(env, "resident");
    await vote(journey.resident.page);

    await page.goto(councilUrl);
    await submit(item(page), C.vote.close, C.vote.closeDone);
    await expect.poll(() => item(page).locator(".voting").textContent()).toContain(C.vote.results.passed);
    expect(await item(page).locator(".vote-tally").textContent()).toBe(C.vote.tally(3, 0, 0, 3, 3));
  });

  it("the decision is signed by all present and published", async () => {
    const page = journey.secretary.page;
    const { councilUrl } = journey;
    // The decision, signed by all three present, then published.
    await item(page).getByLabel(C.decision.text).fill(decisionText);
    await submit(item(page), C.decision.record, C.decision.recorded);
    // Not all have signed: publishing is refused with the reason.
    await item(page).getByRole("button", { name: C.decision.publish }).click();
    await expect.poll(() => item(page).locator(".form-error").textContent()).toContain("尚有 3 名到会成员未签署决议");
    await settled(page);
    for (const p of [page, journey.housing.page, journey.resident.page]) {
      await p.goto(councilUrl);
      await submit(item(p), C.decision.sign, C.decision.signed);
    }
    await page.goto(councilUrl);
    await submit(item(page), C.decision.publish, C.decision.published);
    await expect.poll(() => page.locator(".stage-bar [aria-current=step]").textContent()).toBe(C.stages.decision);
  });

  it("the reporter sees it on the public page without an account, in their notifications and on their ticket", async () => {
    const { councilId, ticket } = journey;
    // 公示 without an account: the decision, the vote, names masked.
    const anonymous = await env.browser.newContext({ locale: "zh-CN" });
    const publicPage = await anonymous.newPage();
    const publicProblems = watchPageErrors(publicPage);
    await publicPage.goto(`${env.portal.url}/public/councils/${councilId}`);
    expect(new URL(publicPage.url()).pathname).toBe(`/public/councils/${councilId}`);
    const body = (await publicPage.locator("main").textContent())!;
    expect(body).toContain(decisionText);
    expect(body).toContain(ticket.number);
    expect(await publicPage.locator(".signatures").textContent()).toContain("张**");
    for (const name of ["张丽华", "陈志强", "周大爷", "13812345678"]) expect(body).not.toContain(name);

    // The reporter: told in their notifications, and the decision on their ticket.
    const page = journey.resident.page;
    await page.goto(`${env.portal.url}/notifications`);
    const told = page.locator(".notification-list li", { hasText: C.notifications.kinds.decision_published }).first();
    expect(await told.getByRole("link").getAttribute("href")).toBe(`/public/councils/${councilId}`);
    await page.goto(`${env.portal.url}/tickets/${ticket.id}`);
    const note = page.locator('.timeline-item[data-kind="council_noted"]').last();
    expect(await note.textContent()).toContain(decisionText);
    expect(await note.textContent()).toContain(zhCN.tickets.events.council_noted);
    expect(unexpected(publicProblems)).toEqual([]);
    await anonymous.close();

    for (const s of [journey.secretary, journey.housing, journey.resident]) expect(unexpected(s.problems)).toEqual([]);
  });

  it("the convener adds a unit by part of its name", async () => {
    const page = journey.secretary.page;
    await page.goto(journey.councilUrl);
    const P = C.council.addParty;
    const form = page.locator("details.add-party");
    await form.locator("summary").click();
    await form.getByLabel(P.unitFilter).fill("燃气");
    await expect.poll(() => form.locator(".field-hint[role=status]").allTextContents()).toContain(P.unitMatches(1));
    await form.getByLabel(P.unitFilter).press("Enter");
    expect(await form.getByLabel(P.unit, { exact: true }).inputValue()).not.toBe("");
    await submit(form, P.submit, P.done);
    expect(await page.locator(".party-list").textContent()).toContain("北京燃气集团");
    expect(unexpected(journey.secretary.problems)).toEqual([]);
  });

  it("an organisation that is no party to a council finds no such council", async () => {
    const committee = await signedIn(env, "committee");
    const res = await committee.page.goto(`${env.portal.url}/councils/1`);
    expect(res?.status()).toBe(404);
    await committee.context.close();
  });
});
