/**
 * The hotline platform's JSON API, /api/v1 (docs/decisions/0009).
 * Every request carries `Authorization: Bearer <key>`; the key acts as the
 * hotline centre. Errors are `{ error: { code, message, fields? } }`.
 */
import express, { type Request, type Response } from "express";
import type { Database } from "../../db/client";
import type { Actor } from "../identity/permissions";
import {
  actOnTicket,
  authenticateApiKey,
  bearerToken,
  pushTicket,
  ticketByNumber,
  ticketsUpdatedSince,
} from "../tickets";
import { BODY_LIMIT, handle, jsonErrors } from "./respond";

function actorOf(res: Response): Actor {
  return (res.locals as { apiActor: Actor }).apiActor;
}

/** POST bodies are JSON; anything else is refused before it is parsed (or not). */
function requireJson(req: Request, res: Response, next: () => void) {
  if (req.is(["application/json", "application/*+json"])) return next();
  res.status(415).json({
    error: { code: "unsupported_media_type", message: "请求体须为 JSON（Content-Type: application/json）" },
  });
}

export function v1Router(database: Database) {
  const router = express.Router();

  // Ticket data: never cached by anyone in between.
  router.use((_req, res, next) => {
    res.set("Cache-Control", "no-store");
    next();
  });

  // Authenticate before reading a body: a stranger's megabytes are not parsed.
  router.use((req, res, next) => {
    authenticateApiKey(database, bearerToken(req.get("authorization"))).then((principal) => {
      (res.locals as { apiActor: Actor }).apiActor = principal.actor;
      next();
    }, next);
  });

  const json = express.json({ limit: BODY_LIMIT, type: ["application/json", "application/*+json"] });

  router.get(
    "/tickets",
    handle(async (req, res) => {
      res.json(await ticketsUpdatedSince(database, actorOf(res), req.query));
    }),
  );

  router.post(
    "/tickets",
    requireJson,
    json,
    handle(async (req, res) => {
      const result = await pushTicket(database, actorOf(res), req.body);
      res.status(result.created ? 201 : 200).json(result);
    }),
  );

  router.get(
    "/tickets/:number",
    handle(async (req, res) => {
      res.json(await ticketByNumber(database, actorOf(res), req.params.number!));
    }),
  );

  router.post(
    "/tickets/:number/actions",
    requireJson,
    json,
    handle(async (req, res) => {
      res.json(await actOnTicket(database, actorOf(res), req.params.number!, req.body));
    }),
  );

  router.use((_req, res) => {
    res.status(404).json({ error: { code: "not_found", message: "没有这个接口" } });
  });
  router.use(jsonErrors());
  return router;
}
