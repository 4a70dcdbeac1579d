import type { ErrorRequestHandler } from "express";

/**
 * The last word on errors Express sees before Remix does (a malformed URL
 * escape is a 400 from its router). Express's own handler would replace the
 * security headers with its own CSP; this answers in plain Chinese text and
 * keeps them. A server error is logged, never shown.
 */
export function plainErrors(log: (line: string) => void): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) return next(error);
    const stated = (error as { status?: unknown } | null)?.status;
    const status = typeof stated === "number" && stated >= 400 && stated < 500 ? stated : 500;
    if (status === 500)
      log(`request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    res
      .status(status)
      .type("text/plain; charset=utf-8")
      .send(status === 500 ? "服务器内部错误" : "请求无效");
  };
}
