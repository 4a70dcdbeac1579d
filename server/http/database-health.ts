/**
 * The portal while its database is away (a libsql server restarting, a
 * network cut to a hosted service): `/healthz` says so, every page and API
 * request answers 503 at once instead of hanging or failing with a 500, and
 * nothing crashes. A probe pings the database every second; two failed
 * pings in a row close the portal (one alone may be the event loop held by a
 * long task, not the database), the first answer after an outage opens it
 * again, without a restart. A request that fails on a database error pings
 * at once and answers 503 if that ping fails too.
 */
import type { ErrorRequestHandler, RequestHandler } from "express";
import { t } from "../../app/i18n";
import { escapeHtml } from "../../app/lib/html";
import type { Database } from "../../db/client";

/** How long a ping may take before the database counts as unavailable (a frozen server answers nothing). */
export const PING_TIMEOUT_MS = 2_000;
const PROBE_EVERY_MS = 1_000;
const FAILURES_TO_CLOSE = 2;

export interface DatabaseHealth {
  available(): boolean;
  /** Pings now (one ping at a time), records the answer and returns it. */
  probe(): Promise<boolean>;
  healthz: RequestHandler;
  /** 503 for every request while the database is unavailable. */
  gate: RequestHandler;
  /** A request that failed while the database was away answers 503 too. */
  errors: ErrorRequestHandler;
  stop(): void;
}

const unavailablePage = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(t.errors.unavailableTitle)} · ${escapeHtml(t.app.name)}</title></head>
<body style="font-family: sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.6">
<h1>${escapeHtml(t.errors.unavailableTitle)}</h1><p>${escapeHtml(t.errors.unavailable)}</p></body></html>`;

export function databaseHealth(database: Database, log: (line: string) => void): DatabaseHealth {
  let up = true;
  let failures = 0;
  let pending: Promise<boolean> | null = null;

  const probe = () =>
    (pending ??= database.ping(PING_TIMEOUT_MS).then((ok) => {
      pending = null;
      failures = ok ? 0 : failures + 1;
      const nowUp = ok || (up && failures < FAILURES_TO_CLOSE);
      if (nowUp !== up) log(nowUp ? "database: available again" : "database: unavailable");
      up = nowUp;
      return ok;
    }));
  const timer = setInterval(() => void probe(), PROBE_EVERY_MS);
  timer.unref();

  const unavailable: RequestHandler = (req, res) => {
    res.status(503).set("Retry-After", "5").set("Cache-Control", "no-store");
    if (req.path.startsWith("/api/") || !req.accepts("html")) {
      res.json({ error: { code: "database_unavailable", message: t.errors.unavailable } });
    } else {
      res.type("html").send(unavailablePage);
    }
  };

  return {
    available: () => up,
    probe,
    healthz(_req, res) {
      void probe().then(() => {
        res
          .status(up ? 200 : 503)
          .set("Cache-Control", "no-store")
          .json({ ok: up, database: up ? "up" : "unavailable" });
      });
    },
    gate(req, res, next) {
      if (up) next();
      else unavailable(req, res, next);
    },
    errors(error, req, res, next) {
      void probe().then((ok) => {
        if (ok || res.headersSent) next(error);
        else unavailable(req, res, next);
      });
    },
    stop: () => clearInterval(timer),
  };
}
