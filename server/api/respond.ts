/**
 * How the APIs answer when something goes wrong: a status and a small stable
 * body, never a stack trace. Service errors carry their own status; the body
 * parser's errors (oversize, malformed JSON) become 413 and 400; anything else
 * is a logged 500 that tells the caller nothing about our insides.
 */
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { ServiceError, type FieldErrors } from "../errors";
import { UnauthorizedError } from "../tickets";

export const BODY_LIMIT = "256kb";

export interface Problem {
  status: number;
  code: string;
  message: string;
  fields?: FieldErrors;
}

/** The express body parsers' errors: http-errors with a `type`. */
interface BodyParserError {
  type?: string;
  status?: number;
  statusCode?: number;
}

export function problemOf(error: unknown): Problem {
  if (error instanceof ServiceError) {
    const fields = (error as { fieldErrors?: FieldErrors }).fieldErrors;
    return {
      status: error.status,
      code: error.code,
      message: error.message,
      ...(fields && Object.keys(fields).length ? { fields } : {}),
    };
  }
  const parser = (error ?? {}) as BodyParserError;
  switch (parser.type) {
    case "entity.too.large":
      return { status: 413, code: "payload_too_large", message: `请求体过大：上限 ${BODY_LIMIT.replace("kb", " KB")}` };
    case "entity.parse.failed":
      return { status: 400, code: "invalid_json", message: "请求体不是有效的 JSON" };
    case "encoding.unsupported":
    case "charset.unsupported":
      return { status: 415, code: "unsupported_media_type", message: "请求体的编码不受支持，请使用 UTF-8" };
  }
  const status = parser.status ?? parser.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return { status, code: "bad_request", message: "请求无法处理" };
  }
  return { status: 500, code: "internal", message: "服务器内部错误，请稍后重试" };
}

/** Express 4 does not catch rejected promises: pass them on to the error handler. */
export function handle(fn: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req, res, next) => {
    fn(req, res).catch(next);
  };
}

/** RFC 6750: a 401 says how to authenticate, and, when a token was sent, what was wrong with it. */
export function wwwAuthenticate(error: unknown): string | null {
  if (!(error instanceof UnauthorizedError)) return null;
  return error.bearerError ? `Bearer realm="roundtable", error="${error.bearerError}"` : `Bearer realm="roundtable"`;
}

/** Unexpected errors are ours to look at; the caller gets the 500 only. */
export function logUnexpected(problem: Problem, error: unknown, req: Request) {
  if (problem.status >= 500 && !(error instanceof ServiceError)) {
    console.error(`API ${req.method} ${req.originalUrl} failed:`, error);
  }
}

/** The JSON APIs' error handler: `{ error: { code, message, fields? } }`. */
export function jsonErrors() {
  return (error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const problem = problemOf(error);
    logUnexpected(problem, error, req);
    const challenge = wwwAuthenticate(error);
    if (challenge) res.set("WWW-Authenticate", challenge);
    const { status, ...body } = problem;
    res.status(status).json({ error: body });
  };
}
