/**
 * The tickets domain's face to other systems (docs/decisions/0009): API keys,
 * the hotline platform's JSON API and Open311 GeoReport v2. HTTP lives in
 * server/api/; this folder holds the services it calls.
 */
export {
  API_KEY_PREFIX,
  apiKeyCreateSchema,
  authenticateApiKey,
  bearerToken,
  createApiKey,
  hotlineCentre,
  IntegrationUnavailableError,
  LAST_USED_RESOLUTION_MS,
  listApiKeys,
  revokeApiKey,
  UnauthorizedError,
  type ApiPrincipal,
} from "./api-keys";
export {
  OPEN311_MAX_DAYS,
  OPEN311_MAX_REQUESTS,
  OPEN311_SPEC,
  open311Create,
  open311CreateSchema,
  open311QuerySchema,
  open311Request,
  open311Requests,
  open311Service,
  open311ServiceDefinition,
  open311Services,
  open311Token,
  type Open311Request,
  type Open311Service,
} from "./open311";
export {
  actOnTicket,
  apiTicket,
  PayloadConflictError,
  pushTicket,
  SYNC_MAX_PAGE_SIZE,
  SYNC_PAGE_SIZE,
  syncSchema,
  ticketByNumber,
  ticketsUpdatedSince,
  type ApiTicket,
} from "./tickets-api";
export { isoBeijing, parseDateTime } from "./time";
