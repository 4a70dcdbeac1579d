/**
 * A ceiling on what a browser may post to a page (issue "scale-out", item 5).
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
