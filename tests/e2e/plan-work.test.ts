/**
 * A plan's work in a real Chromium against the real portal (issue 5 items
 * 6–8): the chair compares two versions and restores one; the signed plan
 * prints on A4 (a real PDF); the property company reports progress on its
 * commitment on the council page, the community's worker on the linked
 * ticket's page, where both reports show; and, on a phone, the property
 * company goes from its workbench to its commitments across plans, finishes
 * one there and sees it leave the unfinished ones.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { zhCN } from "../../app/i18n/zh-CN";
import { signedIn, useBrowserAndPortal } from "../helpers/e2e";
import { planFixture, type PlanFixture } from "../helpers/plans";

const env = useBrowserAndPortal();
const W = zhCN.planWork;
let f: PlanFixture;
const sessions: Awaited<ReturnType<typeof signedIn>>[] = [];

async function as(user: string) {
  const s = await signedIn(env, user);
  sessions.push(s);
  return s;
}

/** Chromium reports a refused form (400/409) as a failed resource; that is the page working. */
const unexpected = (problems: string[]) =>
  problems.filter((p) => !/Failed to load resource: the server responded with a status of (400|409)/.test(p));

beforeAll(async () => {
  f = await planFixture(env.portal.portal, { sign: true });
});

afterAll(async () => {
  for (const s of sessions) await s.context.close();
});

describe("versions, print and commitments in the browser", () => {
  it("the chair compares two versions and restores the first as a new version", async () => {
    const { page, problems } = await as("secretary");
    await page.goto(`${env.portal.url}/plans/${f.planId}/versions`);
    await page.getByRole("heading", { name: `西河沿停车方案 · ${W.versions.title}` }).waitFor();
    // Compare version 2 back to version 1: the edit reads the other way round.
    await page.getByLabel(W.compare.from).selectOption("2");
    await page.getByLabel(W.compare.to).selectOption("1");
    await page.getByRole("button", { name: W.compare.submit }).click();
    await page.waitForURL(/from=2&to=1/);
    const diff = page.locator(".diff");
    await expect.poll(() => diff.locator("del").allTextContents()).toContain("四十");
    expect(await diff.locator("ins").allTextContents()).toContain("三十");
    expect(await diff.locator(".diff-removed").allTextContents()).toEqual(["三、监督：每月公示"]);
    expect(await diff.locator('[data-list="tasks"] del').allTextContents()).toEqual(["3处"]);

    const first = page.locator('li.version[data-version="1"]');
    await first.getByRole("button", { name: W.versions.restore }).click();
    await page.getByText(W.versions.restored(3, 1)).waitFor();
    const third = page.locator('li.version[data-version="3"]');
    expect(await third.textContent()).toContain(W.versions.restoredFrom(1));
    expect(await third.locator(".signature-list").textContent()).toContain(W.versions.unsigned);
    // The new version's content is version 1's: comparing them shows no difference.
    await page.goto(`${env.portal.url}/plans/${f.planId}/versions?from=1&to=3`);
    await page.getByText(W.compare.same).waitFor();
    expect(unexpected(problems)).toEqual([]);
  });

  it("the signed version prints on A4 without the portal's navigation", async () => {
    const { page, problems } = await as("property");
    await page.goto(`${env.portal.url}/plans/${f.planId}/print`);
    await page.emulateMedia({ media: "print" });
    expect(await page.locator(".site-header").isVisible()).toBe(false);
    expect(await page.getByRole("button", { name: W.print.printButton }).isVisible()).toBe(false);
    const main = page.locator("main");
    // The restore made version 3 (unsigned): the print still shows version 2, the one everyone signed.
    expect(await main.textContent()).toContain(W.print.version(2, ""));
    for (const text of ["三、监督：每月公示", "施划临时泊位", "协调错时停车", "陈志强", "刘伟", "张丽华"])
      expect(await main.textContent()).toContain(text);
    const pdf = await page.pdf({ format: "A4", printBackground: true });
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    // Text, then each of the three lists on its own sheet, the signatures after the last one: at least four pages.
    const raw = pdf.toString("latin1");
    expect((raw.match(/\/Type\s*\/Page\b/g) ?? []).length).toBeGreaterThanOrEqual(4);
    // A4 is 595×842 points.
    const box = (/\/MediaBox\s*\[([^\]]*)\]/.exec(raw)?.[1] ?? "").trim().split(/\s+/).map(Number);
    expect(box).toHaveLength(4);
    // 210×297 mm = 595.3×841.9 pt; Chromium rounds the page to whole CSS pixels.
    expect(Math.abs(box[2]! - box[0]! - 595.3)).toBeLessThan(2);
    expect(Math.abs(box[3]! - box[1]! - 841.9)).toBeLessThan(2);
    expect(unexpected(problems)).toEqual([]);
  });

  it("owners report progress on the council page and on the linked ticket, where it shows", async () => {
    const property = await as("property");
    await property.page.goto(`${env.portal.url}/councils/${f.councilId}`);
    const commitment = property.page.locator(".commitment", { hasText: "施划临时泊位" });
    expect(await commitment.locator(".badge-overdue").textContent()).toBe(W.commitments.overdue);
    await commitment.getByText(W.commitments.report).click();
    // A report without a word of what was done is refused, next to the field.
    await commitment.getByRole("button", { name: W.commitments.submit }).click();
    await commitment.locator(".field-error", { hasText: "请说明进展" }).waitFor();
    await commitment.getByRole("spinbutton", { name: W.commitments.progress }).fill("60");
    await commitment.getByLabel(W.commitments.note).fill("已施划24个泊位");
    await commitment.getByRole("button", { name: W.commitments.submit }).click();
    await commitment.getByText(W.commitments.saved).waitFor();
    await expect.poll(() => commitment.locator("progress").getAttribute("value")).toBe("60");
    // Another party's commitment offers the property company no form.
    expect(
      await property.page.locator(".commitment", { hasText: "协调错时停车" }).getByText(W.commitments.report).count(),
    ).toBe(0);
    expect(unexpected(property.problems)).toEqual([]);

    // The community's own worker reports on the ticket the council settles, and sees both reports there.
    const worker = await as("worker");
    await worker.page.goto(`${env.portal.url}/tickets/${f.ticket.id}`);
    const own = worker.page.locator(".commitment", { hasText: "入户宣传错时停车" });
    await own.getByText(W.commitments.report).click();
    await own.getByRole("spinbutton", { name: W.commitments.progress }).fill("30");
    await own.getByLabel(W.commitments.note).fill("已走访90户");
    await own.getByRole("button", { name: W.commitments.submit }).click();
    await own.getByText(W.commitments.saved).waitFor();
    await own.getByText(W.commitments.updates(1)).click();
    expect(await own.locator(".commitment-updates li").textContent()).toContain("已走访90户");
    const theirs = worker.page.locator(".commitment", { hasText: "施划临时泊位" });
    expect(await theirs.textContent()).toContain(W.commitments.statuses.in_progress);
    expect(await theirs.locator(".badge-overdue").count()).toBe(1);
    await theirs.getByText(W.commitments.updates(1)).click();
    expect(await theirs.locator(".commitment-updates li").textContent()).toContain("已施划24个泊位");
    expect(await theirs.getByText(W.commitments.report).count()).toBe(0);
    expect(unexpected(worker.problems)).toEqual([]);
  });

  it("the property company finishes a commitment from its list across plans, on a phone", async () => {
    const s = await signedIn(env, "property", { width: 390, height: 844 });
    sessions.push(s);
    const { page, problems } = s;
    // Its workbench lists the overdue one and links every commitment of its own.
    const list = page.locator(".work-list", { has: page.getByRole("link", { name: "施划临时泊位" }) });
    await list.getByRole("link", { name: zhCN.home.workbench.all }).click();
    await page.waitForURL(/\/commitments$/);
    await page.getByRole("heading", { name: W.commitmentList.title }).waitFor();
    const tabs = page.locator(".queue-tabs a[aria-current=page]");
    expect(await tabs.allTextContents()).toEqual([W.commitmentList.who.mine, W.commitmentList.states.open]);
    // Only its own, the earliest deadline first, each with its plan.
    const tasks = await page.locator(".commitment .commitment-head strong").allTextContents();
    expect(tasks.indexOf("施划临时泊位")).toBeGreaterThanOrEqual(0);
    expect(tasks.indexOf("夜间巡查")).toBeGreaterThan(tasks.indexOf("施划临时泊位"));
    expect(tasks).not.toContain("协调错时停车");
    const late = page.locator(".commitment", { hasText: "施划临时泊位" });
    expect(await late.getByRole("link", { name: "西河沿停车" }).getAttribute("href")).toBe(`/plans/${f.planId}`);
    await late.getByText(W.commitments.report).click();
    await late.getByLabel(W.commitments.status).selectOption("done");
    await late.getByRole("spinbutton", { name: W.commitments.progress }).fill("100");
    await late.getByLabel(W.commitments.note).fill("40个泊位全部施划完毕");
    await late.getByRole("button", { name: W.commitments.submit }).click();
    // The list reloads without it: it is done.
    await expect.poll(() => page.locator(".commitment", { hasText: "施划临时泊位" }).count()).toBe(0);
    await page.getByRole("link", { name: W.commitmentList.states.done }).click();
    await page.waitForURL(/state=done/);
    const done = page.locator(".commitment", { hasText: "施划临时泊位" });
    expect(await done.locator(".badge").first().textContent()).toBe(W.commitments.statuses.done);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    expect(unexpected(problems)).toEqual([]);
  });
});
