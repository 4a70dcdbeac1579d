import type { Request, RequestHandler } from "express";
import type { Database } from "../../db/client";
import type { Config } from "../config";
import { readSessionToken, sessionCookie, validateSessionToken } from "../identity";
import type { Actor } from "../identity/permissions";

export interface RequestSession {
  actor: Actor | null;
  sessionId: string | null;
}

export function secureCookies(config: Config, req: Request): boolean {
  return config.COOKIE_SECURE === "always" || (config.COOKIE_SECURE === "auto" && req.secure);
}

/** Validates the session cookie once per request and renews it when it slid. */
export function sessionMiddleware(database: Database, config: Config): RequestHandler {
  return (req, res, next) => {
    const token = readSessionToken(req.headers.cookie);
    const locals = res.locals as RequestSession;
    locals.actor = null;
    locals.sessionId = null;
    if (!token) return next();
    validateSessionToken(database, token)
      .then((result) => {
        if (result) {
          locals.actor = result.actor;
          locals.sessionId = result.session.id;
          if (result.renewed) {
            res.append("Set-Cookie", sessionCookie(token, result.session.expiresAt, secureCookies(config, req)));
          }
        }
        next();
      })
      .catch(next);
  };
}
