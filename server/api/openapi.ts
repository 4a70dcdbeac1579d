/**
 * The OpenAPI 3.1 description of /api/v1 and /api/open311/v2, served at
 * /api/openapi.json. Request bodies come from the zod schemas the services
 * validate with (z.toJSONSchema), so the description cannot drift from the
 * validation; responses are described by hand.
 */
import { z } from "zod";
import { actionSchema, intakeSchema, OPEN311_MAX_DAYS, OPEN311_MAX_REQUESTS, open311CreateSchema } from "../tickets";

type Json = Record<string, unknown>;

/** A zod schema's input side as JSON Schema 2020-12 (OpenAPI 3.1's dialect), without the `$schema` line. */
function fromZod(schema: z.ZodType): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Json;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const nullable = (type: string, extra: Json = {}) => ({ type: [type, "null"], ...extra });
const dateTime = { type: "string", format: "date-time", description: "ISO 8601, Beijing time (+08:00)" };
const nullableDateTime = { ...dateTime, type: ["string", "null"] };

const jsonBody = (schema: Json) => ({ content: { "application/json": { schema } } });
const errorResponse = (description: string) => ({ description, ...jsonBody(ref("Error")) });

const v1Errors = {
  "400": errorResponse("Invalid input: `fields` names each field and what is wrong with it; or malformed JSON"),
  "401": {
    ...errorResponse("No key, an unknown key or a revoked key"),
    headers: { "WWW-Authenticate": { schema: { type: "string" }, description: 'Bearer realm="roundtable"' } },
  },
  "403": errorResponse("The hotline centre may not do this"),
  "503": errorResponse("The portal has no hotline centre organisation to act as"),
};

const formatParam = {
  name: "format",
  in: "path",
  required: true,
  schema: { type: "string", enum: ["json", "xml"] },
  description: "Response format: `json` (application/json) or `xml` (text/xml)",
};

const open311Content = (schema: Json) => ({
  content: { "application/json": { schema }, "text/xml": { schema: { type: "string" } } },
});
const open311Error = (description: string) => ({ description, ...open311Content(ref("Open311Errors")) });
const open311Key = [{ open311ApiKey: [] }, { bearerKey: [] }];

function build(): Json {
  const push = fromZod(intakeSchema);
  push.required = [...((push.required as string[] | undefined) ?? []), "number"];
  return {
    openapi: "3.1.0",
    info: {
      title: "圆桌 Roundtable integration APIs",
      version: "1.0.0",
      description:
        "The hotline platform's JSON API (/api/v1) and Open311 GeoReport v2 (/api/open311/v2). " +
        "Keys are created by an administrator at /admin/api-keys and act as the hotline centre. " +
        "Reporter names and phones never appear unmasked. See docs/api.md.",
    },
    servers: [{ url: "/" }],
    tags: [
      { name: "tickets", description: "Hotline platform integration (/api/v1)" },
      { name: "open311", description: "Open311 GeoReport v2 — https://wiki.open311.org/GeoReport_v2" },
    ],
    paths: {
      "/api/v1/tickets": {
        post: {
          tags: ["tickets"],
          summary: "Push a ticket under the hotline's own number (idempotent)",
          description:
            "The number is the idempotency key: the same push again answers 200 with the stored ticket and " +
            "`created: false`; other content under a known number is 409, `fields` naming what differs. " +
            "`dispatchOrgId` dispatches at once; `answer` answers an inquiry and closes it.",
          security: [{ bearerKey: [] }],
          requestBody: { required: true, ...jsonBody(ref("TicketPush")) },
          responses: {
            "201": { description: "Created", ...jsonBody(ref("PushResult")) },
            "200": { description: "Already there, same content", ...jsonBody(ref("PushResult")) },
            ...v1Errors,
            "409": errorResponse("The number exists with other content"),
            "413": errorResponse("Body over 256 KB"),
            "415": errorResponse("Body is not application/json"),
          },
        },
        get: {
          tags: ["tickets"],
          summary: "Tickets changed since a moment, oldest change first (for sync)",
          description:
            "Follow `nextCursor` until it is null. Start the next sync a few minutes before the newest " +
            "`updatedAt` seen: items are keyed by number, so the overlap is harmless.",
          security: [{ bearerKey: [] }],
          parameters: [
            { name: "updatedSince", in: "query", schema: { type: "string", format: "date-time" } },
            { name: "cursor", in: "query", schema: { type: "string" } },
            { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 500, default: 100 } },
          ],
          responses: { "200": { description: "One page", ...jsonBody(ref("SyncPage")) }, ...v1Errors },
        },
      },
      "/api/v1/tickets/{number}": {
        get: {
          tags: ["tickets"],
          summary: "One ticket with its history",
          security: [{ bearerKey: [] }],
          parameters: [{ name: "number", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            "200": { description: "The ticket", ...jsonBody(ref("Ticket")) },
            ...v1Errors,
            "404": errorResponse("No ticket with this number"),
          },
        },
      },
      "/api/v1/tickets/{number}/actions": {
        post: {
          tags: ["tickets"],
          summary: "Act on a ticket as the hotline centre (dispatch, supervise, callback, close, reopen …)",
          description:
            "The state machine decides: an action its status does not allow is 409 with the reason in Chinese. " +
            "Handling steps (accept, reply …) belong to the handling unit: 403.",
          security: [{ bearerKey: [] }],
          parameters: [{ name: "number", in: "path", required: true, schema: { type: "string" } }],
          requestBody: { required: true, ...jsonBody(ref("Action")) },
          responses: {
            "200": { description: "Done", ...jsonBody(ref("ActionResult")) },
            ...v1Errors,
            "404": errorResponse("No ticket with this number"),
            "409": errorResponse("Not allowed in the ticket's current status"),
            "413": errorResponse("Body over 256 KB"),
            "415": errorResponse("Body is not application/json"),
          },
        },
      },
      "/api/open311/v2/discovery.{format}": {
        get: {
          tags: ["open311"],
          summary: "Service discovery",
          parameters: [formatParam],
          responses: { "200": { description: "Discovery", ...open311Content(ref("Open311Discovery")) } },
        },
      },
      "/api/open311/v2/services.{format}": {
        get: {
          tags: ["open311"],
          summary: "Service list: the category tree's leaves",
          parameters: [formatParam],
          responses: {
            "200": { description: "Services", ...open311Content({ type: "array", items: ref("Open311Service") }) },
          },
        },
      },
      "/api/open311/v2/services/{service_code}.{format}": {
        get: {
          tags: ["open311"],
          summary: "Service definition (no attributes)",
          parameters: [{ name: "service_code", in: "path", required: true, schema: { type: "string" } }, formatParam],
          responses: {
            "200": { description: "Definition", ...open311Content(ref("Open311ServiceDefinition")) },
            "404": open311Error("No such service"),
          },
        },
      },
      "/api/open311/v2/requests.{format}": {
        get: {
          tags: ["open311"],
          summary: `Service requests: at most ${OPEN311_MAX_REQUESTS}, requested within at most ${OPEN311_MAX_DAYS} days`,
          security: open311Key,
          parameters: [
            formatParam,
            {
              name: "service_request_id",
              in: "query",
              schema: { type: "string" },
              description: "Comma-separated; overrides the other filters",
            },
            { name: "service_code", in: "query", schema: { type: "string" }, description: "Comma-separated" },
            { name: "start_date", in: "query", schema: { type: "string", format: "date-time" } },
            { name: "end_date", in: "query", schema: { type: "string", format: "date-time" } },
            {
              name: "status",
              in: "query",
              schema: { type: "string" },
              description: "open, closed or both (comma-separated)",
            },
          ],
          responses: {
            "200": {
              description: "Requests, newest first",
              ...open311Content({ type: "array", items: ref("Open311Request") }),
            },
            "400": open311Error("Bad filter (date format, span over 90 days, unknown status)"),
            "403": open311Error("Missing or invalid api_key"),
          },
        },
        post: {
          tags: ["open311"],
          summary: "Create a service request (a ticket of type 求助)",
          security: open311Key,
          parameters: [formatParam],
          requestBody: {
            required: true,
            content: { "application/x-www-form-urlencoded": { schema: ref("Open311Create") } },
          },
          responses: {
            "201": {
              description: "Created",
              ...open311Content({ type: "array", items: ref("Open311Created") }),
            },
            "400": open311Error("Invalid input"),
            "403": open311Error("Missing or invalid api_key"),
            "404": open311Error("No such service_code"),
          },
        },
      },
      "/api/open311/v2/requests/{service_request_id}.{format}": {
        get: {
          tags: ["open311"],
          summary: "One service request (service_request_id = the ticket number)",
          security: open311Key,
          parameters: [
            { name: "service_request_id", in: "path", required: true, schema: { type: "string" } },
            formatParam,
          ],
          responses: {
            "200": {
              description: "A one-item list",
              ...open311Content({ type: "array", items: ref("Open311Request") }),
            },
            "403": open311Error("Missing or invalid api_key"),
            "404": open311Error("No such request"),
          },
        },
      },
      "/api/open311/v2/tokens/{token}.{format}": {
        get: {
          tags: ["open311"],
          summary: "service_request_id from a token (our requests are realtime: a token is the id itself)",
          security: open311Key,
          parameters: [{ name: "token", in: "path", required: true, schema: { type: "string" } }, formatParam],
          responses: {
            "200": {
              description: "A one-item list",
              ...open311Content({
                type: "array",
                items: {
                  type: "object",
                  properties: { service_request_id: { type: "string" }, token: { type: "string" } },
                },
              }),
            },
            "403": open311Error("Missing or invalid api_key"),
            "404": open311Error("No such token"),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        bearerKey: { type: "http", scheme: "bearer", description: "An API key: rt_…" },
        open311ApiKey: {
          type: "apiKey",
          in: "query",
          name: "api_key",
          description: "Open311's api_key (form field on POST)",
        },
      },
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message"],
              properties: {
                code: { type: "string", examples: ["invalid", "unauthorized", "forbidden", "not_found", "conflict"] },
                message: { type: "string", description: "Chinese, safe to show" },
                fields: { type: "object", additionalProperties: { type: "array", items: { type: "string" } } },
              },
            },
          },
        },
        TicketPush: push,
        Action: fromZod(actionSchema),
        Ticket: {
          type: "object",
          description: "Reporter name and phone are masked (张** · 138****5678).",
          properties: {
            number: { type: "string" },
            status: { type: "string" },
            statusLabel: { type: "string" },
            source: { type: "string" },
            type: { type: "string" },
            channel: { type: "string" },
            urgency: { type: "string" },
            category: {
              type: "object",
              properties: {
                code: nullable("string"),
                name: nullable("string"),
                path: { type: "array", items: { type: "string" } },
              },
            },
            description: { type: "string" },
            address: { type: "string" },
            lon: nullable("number"),
            lat: nullable("number"),
            districtCode: nullable("string"),
            streetCode: nullable("string"),
            communityCode: nullable("string"),
            reporterName: nullable("string"),
            reporterPhone: nullable("string"),
            leadUnit: nullable("string"),
            firstReceiver: nullable("string"),
            units: { type: "array", items: { type: "object" } },
            receivedAt: dateTime,
            dispatchedAt: nullableDateTime,
            acceptedAt: nullableDateTime,
            deadlineAt: nullableDateTime,
            closedAt: nullableDateTime,
            updatedAt: dateTime,
            events: {
              type: "array",
              items: {
                type: "object",
                properties: {
                  at: dateTime,
                  kind: { type: "string" },
                  fromStatus: nullable("string"),
                  toStatus: nullable("string"),
                  actor: nullable("string", { description: "「接口：<key name>」 for the API" }),
                  organisation: nullable("string"),
                  data: nullable("object"),
                },
              },
            },
            actions: { type: "array", items: { type: "string" }, description: "What this key may do next" },
          },
        },
        PushResult: {
          type: "object",
          required: ["created", "ticket"],
          properties: { created: { type: "boolean" }, ticket: ref("Ticket") },
        },
        ActionResult: {
          type: "object",
          properties: { status: { type: "string" }, event: { type: "string" }, ticket: ref("Ticket") },
        },
        SyncPage: {
          type: "object",
          required: ["items", "nextCursor"],
          properties: {
            items: {
              type: "array",
              items: {
                type: "object",
                description: "A ticket without history and without reporter details",
                properties: {
                  number: { type: "string" },
                  status: { type: "string" },
                  categoryCode: { type: "string" },
                  leadUnit: nullable("string"),
                  deadlineAt: nullableDateTime,
                  updatedAt: dateTime,
                },
              },
            },
            nextCursor: nullable("string"),
          },
        },
        Open311Discovery: {
          type: "object",
          properties: {
            changeset: { type: "string" },
            contact: { type: "string" },
            key_service: { type: "string" },
            endpoints: {
              type: "array",
              items: {
                type: "object",
                properties: {
                  specification: { type: "string" },
                  url: { type: "string" },
                  changeset: { type: "string" },
                  type: { type: "string", enum: ["production", "test"] },
                  formats: { type: "array", items: { type: "string" } },
                },
              },
            },
          },
        },
        Open311Service: {
          type: "object",
          properties: {
            service_code: { type: "string", description: "The category code, e.g. 05.02.01" },
            service_name: { type: "string" },
            description: { type: "string" },
            metadata: { type: "boolean", const: false },
            type: { type: "string", const: "realtime" },
            keywords: { type: "string" },
            group: { type: "string", description: "The level-1 category" },
          },
        },
        Open311ServiceDefinition: {
          type: "object",
          properties: { service_code: { type: "string" }, attributes: { type: "array", maxItems: 0 } },
        },
        Open311Request: {
          type: "object",
          properties: {
            service_request_id: { type: "string", description: "The ticket number" },
            status: { type: "string", enum: ["open", "closed"] },
            status_notes: nullable("string", { description: "The latest reply to the reporter, else our status" }),
            service_name: { type: "string" },
            service_code: { type: "string" },
            description: { type: "string" },
            agency_responsible: nullable("string", { description: "The lead unit (主办单位)" }),
            service_notice: nullable("string"),
            requested_datetime: dateTime,
            updated_datetime: dateTime,
            expected_datetime: { ...nullableDateTime, description: "The deadline (set when the unit accepts)" },
            address: { type: "string" },
            lat: nullable("number"),
            long: nullable("number"),
          },
        },
        Open311Create: fromZod(open311CreateSchema.extend({ api_key: z.string().optional() })),
        Open311Created: {
          type: "object",
          properties: {
            service_request_id: { type: "string" },
            service_notice: { type: "string" },
            account_id: { type: "null" },
          },
        },
        Open311Errors: {
          type: "array",
          items: { type: "object", properties: { code: { type: "integer" }, description: { type: "string" } } },
        },
      },
    },
  };
}

/** The whole description; the router builds it once, as the schemas do not change while it runs. */
export function openApiDocument(): Json {
  return build();
}
