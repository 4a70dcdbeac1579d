import type { Database } from "../db/client";
import type { PlanDocuments } from "./plans";
import type { Config } from "./config";
import type { Actor } from "./identity/permissions";

/**
 * What every Remix loader and action receives from the Express server: one
 * database for the whole process, the validated config, and the request's
 * signed-in actor (the session middleware has already checked the cookie),
 * and the live documents of the realtime server running in the same process.
 */
export interface RoundtableContext {
  database: Database;
  config: Config;
  actor: Actor | null;
  sessionId: string | null;
  clientIp: string;
  /** True when cookies set on this response must carry `Secure`. */
  secureCookies: boolean;
  /** The realtime server's door to live plan documents (versions read and restore them). */
  planDocuments: PlanDocuments;
  /** This response's Content-Security-Policy nonce, for the scripts of the page (entry.server.tsx). */
  cspNonce: string;
}

declare module "@remix-run/server-runtime" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends RoundtableContext {}
}
