/**
 * A job whose process stopped is recorded as interrupted — by its silent
 * heartbeat, never because another process started — and shown so at once.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { importJobs } from "../../../db/schema";
import { actorOf, openTestDatabase, type TestDatabase } from "../../../tests/helpers/database";
import { createJob, getJob, interruptStaleJobs, JOB_HEARTBEAT_MS } from ".";

let test: TestDatabase;
beforeAll(async () => {
  test = await openTestDatabase({ demo: true });
});
afterAll(() => test?.close());

const job = (at: number) =>
  createJob(
    test.database,
    { fileName: "a.csv", format: "csv", mapping: {}, bytesTotal: 10, createdBy: null },
    new Date(at),
  );
const statusOf = async (id: number) =>
  (await test.database.db.select().from(importJobs).where(eq(importJobs.id, id)).get())!.status;

it("marks running jobs whose heartbeat went quiet as interrupted, and leaves live and finished ones alone", async () => {
  const now = Date.now();
  const dead = await job(now - 10 * JOB_HEARTBEAT_MS);
  const alive = await job(now - JOB_HEARTBEAT_MS);
  const finished = await job(now - 10 * JOB_HEARTBEAT_MS);
  await test.database.write((tx) => tx.update(importJobs).set({ status: "done" }).where(eq(importJobs.id, finished)));

  expect(await interruptStaleJobs(test.database, now)).toBe(1);
  expect(await statusOf(dead)).toBe("interrupted");
  expect(await statusOf(alive)).toBe("running");
  expect(await statusOf(finished)).toBe("done");
  // Recorded, so it reads the same whatever the clock says later.
  const view = await getJob(test.database, await actorOf(test.database, "operator"), dead, now);
  expect(view.state).toBe("interrupted");
  expect(view.finishedAt).not.toBeNull();
  // Idempotent: a second sweep finds nothing more to do.
  expect(await interruptStaleJobs(test.database, now)).toBe(0);
});
