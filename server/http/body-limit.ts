/**
 * What a page accepts, checked before Remix sees the request: its methods,
 * form bodies only, and a ceiling on their size (issue "scale-out", item 5;
 * the fuzz of issue 8 found what got through as server errors).
 *
 * The ceiling:
 * Remix reads a form's body into memory, so without one a single request of
 * a few gigabytes would take the process down with it. Forms carry a few
 * kilobytes; the import upload, which streams to disk, may carry a file up
 * to its own limit. The API routes have their own parser limit (decision 0009).
 * A body of unknown length (chunked) is refused: browsers always say how
 * long a form is, and a ceiling cannot be checked before reading otherwise.
 */
import type { RequestHandler } from "express";

export const FORM_BODY_LIMIT = 1024 ** 2;

export function bodyLimit(uploads: { path: string; limit: number }[]): RequestHandler {
  return (req, res, next) => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
    const length = req.headers["content-length"];
    if (length === undefined) {
      if (req.headers["transfer-encoding"] === undefined) return next(); // no body at all
      res.status(411).type("text/plain; charset=utf-8").send("请求缺少 Content-Length");
      return;
    }
    const upload = uploads.find((u) => req.path === u.path);
    const limit = upload?.limit ?? FORM_BODY_LIMIT;
    if (Number(length) > limit) {
      // The body is not read: say so and close, rather than drain gigabytes.
      res.set("Connection", "close");
      res
        .status(413)
        .type("text/plain; charset=utf-8")
        .send(`请求体过大：上限 ${Math.round(limit / 1024 ** 2)} MB`);
      return;
    }
    next();
  };
}

const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

/**
 * Pages take forms, nothing else: a body in any other type (JSON, text, a
 * bare file) is refused with 415 here, where Remix's `request.formData()`
 * would otherwise throw and answer 500. The key-authenticated APIs, which
 * take JSON, are mounted before this.
 */
export function formBodiesOnly(): RequestHandler {
  return (req, res, next) => {
    const hasBody = Number(req.headers["content-length"] ?? 0) > 0 || req.headers["transfer-encoding"] !== undefined;
    if (!hasBody || FORM_TYPES.some((type) => req.is(type))) return next();
    res
      .status(415)
      .type("text/plain; charset=utf-8")
      .send("只接受表单提交（application/x-www-form-urlencoded 或 multipart/form-data）");
  };
}

/**
 * Reads and drops what an action left unread once the answer is sent (an
 * action may answer — a redirect, a refusal — without reading the form).
 * Remix's body stream holds the request paused, and a paused request left
 * behind makes the client see a reset connection instead of the answer.
 * Bounded: bodyLimit has refused anything bigger than the route allows.
 */
export function drainUnreadBodies(): RequestHandler {
  return (req, res, next) => {
    res.on("finish", () => {
      if (req.readableEnded || res.getHeader("connection") === "close") return;
      req.removeAllListeners("data");
      req.resume();
    });
    next();
  };
}

const PAGE_METHODS = ["GET", "HEAD", "POST"];

/**
 * Pages are read (GET, HEAD) and take forms (POST): another method is
 * answered here — OPTIONS with what is allowed, the rest 405 — rather than
 * reaching Remix, which logs it as an error.
 */
export function pageMethods(): RequestHandler {
  return (req, res, next) => {
    if (PAGE_METHODS.includes(req.method)) return next();
    res.set("Allow", PAGE_METHODS.join(", "));
    if (req.method === "OPTIONS") {
      res.status(204).end();
      return;
    }
    res.status(405).type("text/plain; charset=utf-8").send("不支持的请求方法");
  };
}
