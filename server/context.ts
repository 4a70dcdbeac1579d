import type { Database } from "../db/client";
import type { Config } from "./config";
import type { Actor } from "./identity/permissions";

/**
 * What every Remix loader and action receives from the Express server: one
 * database for the whole process, the validated config, and the request's
 * signed-in actor (the session middleware has already checked the cookie).
 */
export interface RoundtableContext {
  database: Database;
  config: Config;
  actor: Actor | null;
  sessionId: string | null;
  clientIp: string;
  /** True when cookies set on this response must carry `Secure`. */
  secureCookies: boolean;
}

declare module "@remix-run/server-runtime" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends RoundtableContext {}
}
