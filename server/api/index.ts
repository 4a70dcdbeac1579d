/**
 * The public APIs under /api (docs/decisions/0009): the hotline platform's
 * JSON API, Open311 GeoReport v2 and their OpenAPI description. Mounted before
 * the session and origin checks: these requests authenticate with keys, not
 * cookies, so cross-site forgery has nothing to borrow.
 */
import express from "express";
import type { Database } from "../../db/client";
import { open311Router } from "./open311";
import { openApiDocument } from "./openapi";
import { v1Router } from "./v1";

export function apiRouter(database: Database) {
  const router = express.Router();
  const description = openApiDocument();
  router.get("/openapi.json", (_req, res) => {
    res.set("Cache-Control", "public, max-age=300").json(description);
  });
  router.use("/v1", v1Router(database));
  router.use("/open311/v2", open311Router(database));
  // Nothing under /api is a page: an unknown path is a JSON 404, not the app's HTML one.
  router.use((_req, res) => {
    res.status(404).json({ error: { code: "not_found", message: "没有这个接口" } });
  });
  return router;
}
