/**
 * The push service beside our own numbering: a hotline number of our shape
 * (YYYYMMDD + six digits) must not make our next generated number collide.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { actorOf, openTestDatabase, type TestDatabase } from "../../../tests/helpers/database";
import { streetLeaf } from "../../../tests/helpers/api";
import { beijingDate } from "../calendar";
import { createTicket } from "../intake";
import { pushTicket } from "./tickets-api";

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase({ demo: true });
});
afterAll(() => t?.close());

it("generates numbers above any number of the day already taken", async () => {
  const operator = await actorOf(t.database, "operator");
  const leaf = await streetLeaf(t.database);
  const base = {
    type: "complaint",
    categoryId: leaf.id,
    description: "楼下餐馆油烟扰民，晚上尤其严重",
    address: "西城区大栅栏西河沿街 3 号",
  };
  const day = beijingDate(new Date()).replaceAll("-", "");
  const pushed = await pushTicket(t.database, operator, { ...base, number: `${day}000900` });
  expect(pushed.created).toBe(true);
  const ours = await createTicket(t.database, operator, base);
  expect(ours.number).toBe(`${day}000901`);
  const next = await createTicket(t.database, operator, base);
  expect(next.number).toBe(`${day}000902`);
});
