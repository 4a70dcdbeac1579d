/**
 * Bodies a browser would never send (issue "scale-out", item 5): oversized,
 * of unknown length, or not UTF-8 — each answered with a clear 4xx before the
 * portal reads it, nothing stored, and the portal still serving.
 */
import { request } from "node:http";
import { count } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessions } from "../../db/schema";
import { signIn, startPortal, type TestPortal } from "../helpers/portal";

let portal: TestPortal;

beforeAll(async () => {
  portal = await startPortal();
});
afterAll(() => portal?.close());

const sessionCount = async () => (await portal.portal.database.db.select({ n: count() }).from(sessions))[0]!.n;

/** A raw request: headers as given, then `body` (possibly much shorter than announced). */
function raw(path: string, headers: Record<string, string>, body: Buffer | null) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: portal.port, path, method: "POST", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, text }));
    });
    req.on("error", reject);
    if (body) req.write(body);
    // A chunked request ends with its last chunk; an announced length is left unfinished on purpose.
    if (headers["transfer-encoding"] === "chunked") req.end();
  });
}

const origin = () => ({ origin: portal.url });

describe("bodies no browser sends", () => {
  it("refuses a form body over 1 MB with 413 before reading it", async () => {
    const before = await sessionCount();
    const body = Buffer.from(`username=street&password=${"x".repeat(2 * 1024 ** 2)}`);
    const response = await fetch(`${portal.url}/login`, {
      method: "POST",
      headers: { ...origin(), "content-type": "application/x-www-form-urlencoded" },
      body,
    });
    expect(response.status).toBe(413);
    expect(await response.text()).toMatch(/请求体过大/);
    expect(await sessionCount()).toBe(before);
  });

  it("refuses an announced upload over the import's limit without waiting for the bytes", async () => {
    const cookie = await signIn(portal.url, "operator");
    const answer = await raw(
      "/tickets/import?index",
      {
        ...origin(),
        cookie,
        "content-type": "multipart/form-data; boundary=x",
        "content-length": String(3 * 1024 ** 3),
      },
      Buffer.from("--x\r\n"),
    );
    expect(answer.status).toBe(413);
  });

  it("refuses a form body of unknown length (chunked) with 411", async () => {
    const answer = await raw(
      "/login",
      { ...origin(), "content-type": "application/x-www-form-urlencoded", "transfer-encoding": "chunked" },
      Buffer.from("username=street&password=roundtable-demo"),
    );
    expect(answer.status).toBe(411);
  });

  it("answers a form that is not UTF-8 or full of markup with the form's own error, and stores nothing", async () => {
    const before = await sessionCount();
    for (const body of [
      Buffer.concat([Buffer.from("username="), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from("&password=x")]),
      Buffer.from(`username=${encodeURIComponent("'; drop table users; --<script>alert(1)</script>")}&password=x`),
      Buffer.from("username=%E0%A4%A&password=%"),
    ]) {
      const response = await fetch(`${portal.url}/login`, {
        method: "POST",
        headers: { ...origin(), "content-type": "application/x-www-form-urlencoded" },
        body,
      });
      expect(response.status).toBe(400);
      expect(await response.text()).not.toContain("<script>alert(1)</script>");
    }
    expect(await sessionCount()).toBe(before);
    // Still serving, and the demo user still signs in.
    expect(await signIn(portal.url, "street")).toMatch(/^rt_session=/);
  });

  // Found by the fuzz (fuzz-forms.test.ts): each answered 500 before.
  it("refuses a page post that is not a form (JSON, text, a bare body) with 415, and stores nothing", async () => {
    const cookie = await signIn(portal.url, "operator");
    const before = await sessionCount();
    for (const [type, body] of [
      ["application/json", JSON.stringify({ username: "street", password: "roundtable-demo" })],
      ["text/plain", "username=street&password=roundtable-demo"],
      ["application/octet-stream", "username=street&password=roundtable-demo"],
    ]) {
      for (const path of ["/login", "/tickets/new", "/rates"]) {
        const response = await fetch(portal.url + path, {
          method: "POST",
          headers: { ...origin(), cookie, "content-type": type! },
          body,
        });
        expect(response.status, `${type} ${path}`).toBe(415);
        expect(await response.text()).toMatch(/只接受表单提交/);
      }
    }
    expect(await sessionCount()).toBe(before);
  });

  it("answers an import upload sent as a plain form with the file field's error, not a server error", async () => {
    const cookie = await signIn(portal.url, "operator");
    const response = await fetch(`${portal.url}/tickets/import?index`, {
      method: "POST",
      headers: { ...origin(), cookie, "content-type": "application/x-www-form-urlencoded" },
      body: "file=hotline.csv",
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("请选择");
  });

  it("answers a form the action never reads (sign-out with a long body) instead of resetting the connection", async () => {
    const body = new URLSearchParams(Array.from({ length: 5_000 }, () => ["intent", "1"])).toString();
    for (let k = 0; k < 3; k++) {
      const response = await fetch(`${portal.url}/logout`, {
        method: "POST",
        headers: { ...origin(), "content-type": "application/x-www-form-urlencoded" },
        body,
        redirect: "manual",
      });
      expect(response.status).toBe(302);
    }
  });
});
