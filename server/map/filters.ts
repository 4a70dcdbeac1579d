/** The map's filters: the ticket list's names (TicketFilterFields), plus status and the flow stage. */
import { z } from "zod";
import { requestTypes, ticketStatuses } from "../../db/schema";
import { flowStages } from "../councils/cases";

const dateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const optional = <T extends z.ZodTypeAny>(schema: T) => schema.optional().or(z.literal("").transform(() => undefined));

export const mapFilterSchema = z.object({
  from: optional(dateText),
  to: optional(dateText),
  categoryId: optional(z.coerce.number().int().positive()),
  type: optional(z.enum(requestTypes)),
  status: optional(z.enum(ticketStatuses)),
  regionCode: optional(z.string().regex(/^\d{6,12}$/)),
  /** A stage of the flow (未诉先办 … 评价): cases at it, and the tickets they settle. */
  stage: optional(z.enum(flowStages)),
});
export type MapFilters = z.infer<typeof mapFilterSchema>;
