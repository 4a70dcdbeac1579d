/** The identity domain's public face: other domains and routes import from here only. */
export { audit } from "./audit";
export * from "./accounts";
export { BAD_CREDENTIALS, login, loginSchema, logout } from "./login";
export * from "./organisations";
export * from "./permissions";
export { permissionCondition, type TargetColumns } from "./conditions";
export {
  clearSessionCookie,
  deleteExpiredSessions,
  loadActor,
  readSessionToken,
  SESSION_COOKIE,
  sessionCookie,
  validateSessionToken,
  type ValidatedSession,
} from "./sessions";
