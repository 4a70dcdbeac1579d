/**
 * Open311 GeoReport v2 at /api/open311/v2 (https://wiki.open311.org/GeoReport_v2).
 * Each resource answers as `.json` or `.xml`. Discovery, the service list and
 * service definitions are public; service requests (GET and POST) and tokens
 * need an API key — `api_key` as the spec passes it, or a Bearer header —
 * because tickets are residents' own words about their homes
 * (docs/decisions/0009). Errors are the spec's `errors` list, with its
 * statuses: 403 for a missing or bad key, 404 for what does not exist, 400
 * for the rest.
 */
import express, { type NextFunction, type Request, type Response } from "express";
import type { Database } from "../../db/client";
import type { Actor } from "../identity/permissions";
import {
  authenticateApiKey,
  bearerToken,
  hotlineCentre,
  OPEN311_SPEC,
  open311Create,
  open311Request,
  open311Requests,
  open311ServiceDefinition,
  open311Services,
  open311Token,
} from "../tickets";
import { BODY_LIMIT, handle, logUnexpected, problemOf } from "./respond";
import { toXml } from "./xml";

type Format = "json" | "xml";

/**
 * Sortable date of the last change to what discovery and the service list
 * describe (the format of this endpoint, not the category data).
 */
export const OPEN311_CHANGESET = "2026-11-21T00:00:00+08:00";

const formatOf = (req: Request): Format => (/\.xml$/i.test(req.path) ? "xml" : "json");

/** Sends `value` as JSON, or as XML under `root` (the spec's element for that resource). */
function send(res: Response, format: Format, root: string, value: unknown, status = 200) {
  res.status(status);
  if (format === "xml") res.type("text/xml; charset=utf-8").send(toXml(root, value));
  else res.json(value);
}

function actorOf(res: Response): Actor {
  return (res.locals as { apiActor: Actor }).apiActor;
}

/** The key: the spec's `api_key` (query or form), or a Bearer header, which keeps it out of access logs. */
function requireKey(database: Database) {
  return (req: Request, res: Response, next: NextFunction) => {
    const fromBody =
      typeof req.body === "object" && req.body ? (req.body as Record<string, unknown>).api_key : undefined;
    const fromQuery = req.query.api_key;
    const key =
      bearerToken(req.get("authorization")) ??
      (typeof fromBody === "string" ? fromBody : typeof fromQuery === "string" ? fromQuery : null);
    authenticateApiKey(database, key).then((principal) => {
      (res.locals as { apiActor: Actor }).apiActor = principal.actor;
      next();
    }, next);
  };
}

/** Open311's statuses: 403 for key problems, 404 for what is not there, 400 for what cannot be done. */
function open311Status(status: number): number {
  if (status === 401) return 403;
  if (status === 409) return 400;
  return status;
}

function open311Errors(error: unknown, req: Request, res: Response, next: NextFunction) {
  if (res.headersSent) return next(error);
  const problem = problemOf(error);
  logUnexpected(problem, error, req);
  const status = open311Status(problem.status);
  const fields = Object.entries(problem.fields ?? {});
  const errors = fields.length
    ? fields.flatMap(([field, messages]) => messages.map((m) => ({ code: status, description: `${field}: ${m}` })))
    : [{ code: status, description: problem.message }];
  send(res, formatOf(req), "errors", errors, status);
}

export function open311Router(database: Database) {
  const router = express.Router();
  const withKey = requireKey(database);
  // The spec posts forms; a JSON body with the same fields is accepted too.
  const form = [express.urlencoded({ extended: false, limit: BODY_LIMIT }), express.json({ limit: BODY_LIMIT })];

  router.use((req, res, next) => {
    // Requests carry residents' reports: no shared cache keeps them; the service list may be cached briefly.
    res.set("Cache-Control", /^\/(requests|tokens)\b/.test(req.path) ? "no-store" : "public, max-age=300");
    // GeoReport clients are often web pages on other origins. Open to any origin: access rests on
    // the API key, never on cookies, so no credentials are allowed across origins.
    res.set("Access-Control-Allow-Origin", "*");
    if (req.method === "OPTIONS") {
      res.set("Access-Control-Allow-Methods", "GET, POST");
      res.set("Access-Control-Allow-Headers", "Authorization, Content-Type");
      res.set("Access-Control-Max-Age", "600");
      res.status(204).end();
      return;
    }
    next();
  });

  router.get(
    /^\/discovery\.(json|xml)$/,
    handle(async (req, res) => {
      const centre = await hotlineCentre(database.db);
      // Behind a trusted proxy, the public host (the same rule as the origin check).
      const forwarded = req.app.get("trust proxy") ? req.get("x-forwarded-host")?.split(",")[0]?.trim() : undefined;
      const url = `${req.protocol}://${forwarded || req.get("host")}${req.baseUrl}`;
      send(res, formatOf(req), "discovery", {
        changeset: OPEN311_CHANGESET,
        contact: `${centre?.name ?? "12345 热线中心"}。接口问题请联系圆桌平台管理员。`,
        key_service:
          "查询和提交服务请求需要接口密钥：由圆桌系统管理员在「管理 › 接口密钥」中创建，作为 api_key 参数或 Authorization: Bearer 头提供。",
        endpoints: [
          {
            specification: OPEN311_SPEC,
            url,
            changeset: OPEN311_CHANGESET,
            type: "production",
            formats: ["text/xml", "application/json"],
          },
        ],
      });
    }),
  );

  router.get(
    /^\/services\.(json|xml)$/,
    handle(async (req, res) => {
      send(res, formatOf(req), "services", await open311Services(database.db));
    }),
  );

  router.get(
    /^\/services\/([A-Za-z0-9._-]{1,40})\.(json|xml)$/,
    handle(async (req, res) => {
      const code = (req.params as Record<string, string>)[0]!;
      send(res, formatOf(req), "service_definition", await open311ServiceDefinition(database.db, code));
    }),
  );

  router.get(
    /^\/requests\.(json|xml)$/,
    withKey,
    handle(async (req, res) => {
      send(res, formatOf(req), "service_requests", await open311Requests(database, actorOf(res), req.query));
    }),
  );

  router.post(
    /^\/requests\.(json|xml)$/,
    ...form,
    withKey,
    handle(async (req, res) => {
      const created = await open311Create(database, actorOf(res), req.body);
      send(res, formatOf(req), "service_requests", [created], 201);
    }),
  );

  router.get(
    /^\/requests\/([A-Za-z0-9-]{1,40})\.(json|xml)$/,
    withKey,
    handle(async (req, res) => {
      const id = (req.params as Record<string, string>)[0]!;
      send(res, formatOf(req), "service_requests", [await open311Request(database, actorOf(res), id)]);
    }),
  );

  router.get(
    /^\/tokens\/([A-Za-z0-9-]{1,40})\.(json|xml)$/,
    withKey,
    handle(async (req, res) => {
      const token = (req.params as Record<string, string>)[0]!;
      send(res, formatOf(req), "service_requests", [await open311Token(database, actorOf(res), token)]);
    }),
  );

  router.use((req, res) => {
    send(res, formatOf(req), "errors", [{ code: 404, description: "没有这个资源" }], 404);
  });
  router.use(open311Errors);
  return router;
}
