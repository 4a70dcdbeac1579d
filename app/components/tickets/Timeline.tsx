import { formatDateTime, t } from "~/i18n";

const T = t.tickets;
const D = T.eventData;

export interface TimelineItem {
  key: string | number;
  at: Date | string;
  kind: string;
  who: string | null;
  facts: [string, string][];
}

/** 件件有记录: every step, oldest first, with who did it and what they wrote. */
export function Timeline({ items, labelledBy }: { items: TimelineItem[]; labelledBy: string }) {
  return (
    <ol className="timeline" aria-labelledby={labelledBy}>
      {items.map((item) => (
        <li key={item.key} className="timeline-item" data-kind={item.kind}>
          <p className="timeline-head">
            <strong>{T.events[item.kind] ?? item.kind}</strong>
            <time dateTime={new Date(item.at).toISOString()}>{formatDateTime(item.at)}</time>
          </p>
          {item.who ? <p className="timeline-who muted">{item.who}</p> : null}
          {item.facts.length ? (
            <dl className="facts">
              {item.facts.map(([label, value], i) => (
                <div key={i}>
                  <dt>{label}</dt>
                  <dd>{value}</dd>
                </div>
              ))}
            </dl>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

const str = (v: unknown): string | null => (v == null || v === "" ? null : String(v));
const label = <K extends string>(labels: Record<K, string>, v: unknown) =>
  typeof v === "string" && v in labels ? labels[v as K] : str(v);
const when = (v: unknown) => (typeof v === "string" || typeof v === "number" ? formatDateTime(v) : null);

/** The readable facts of one event's data, for every kind the lifecycle records. */
export function eventFacts(
  kind: string,
  data: Record<string, unknown> | null,
  orgName: (id: unknown) => string | null,
): [string, string][] {
  const d = data ?? {};
  const facts: [string, string | null][] = [];
  switch (kind) {
    case "received":
      facts.push([D.channel, label(T.channels, d.channel)], [D.source, label(T.sources, d.source)]);
      break;
    case "answered":
      facts.push([D.reply, str(d.reply)]);
      break;
    case "dispatched":
      facts.push([D.to, orgName(d.orgId)], [D.note, str(d.note)]);
      break;
    case "redispatched":
    case "return_approved":
      facts.push([D.from, orgName(d.fromOrgId)], [D.to, orgName(d.orgId)], [D.note, str(d.note)]);
      break;
    case "return_requested":
      facts.push([D.returnReason, label(T.returnReasons, d.reason)], [D.reason, str(d.note)]);
      break;
    case "contacted":
      facts.push(
        [D.note, str(d.note)],
        [D.withinLimit, d.withinLimit == null ? null : d.withinLimit ? D.withinLimitYes : D.withinLimitNo],
      );
      break;
    case "extension_requested":
      facts.push([D.days, typeof d.days === "number" ? D.daysValue(d.days) : null], [D.reason, str(d.reason)]);
      break;
    case "extension_approved": {
      const from = when(d.from);
      const to = when(d.to);
      facts.push(
        [D.days, typeof d.days === "number" ? D.daysValue(d.days) : null],
        [D.deadline, from && to ? D.deadlineChange(from, to) : to],
        [D.note, str(d.note)],
      );
      break;
    }
    case "replied":
      facts.push([D.content, str(d.content)]);
      break;
    case "called_back":
      facts.push(
        [D.resolution, label(T.resolutions, d.resolution)],
        [D.satisfaction, label(T.satisfactions, d.satisfaction)],
        [
          D.scores,
          typeof d.speed === "number" && typeof d.effect === "number" && typeof d.attitude === "number"
            ? D.scoresValue(d.speed, d.effect, d.attitude)
            : null,
        ],
        [D.comment, str(d.comment)],
      );
      break;
    case "reopened":
      facts.push([D.reason, str(d.reason)]);
      break;
    case "supervised":
      facts.push([D.unit, orgName(d.orgId)], [D.note, str(d.note)]);
      break;
    case "co_unit_added":
      facts.push([D.unit, orgName(d.orgId)]);
      break;
    case "appeal_requested":
      facts.push([D.reason, str(d.reason)]);
      break;
    case "return_refused":
    case "extension_rejected":
    case "closed":
    case "appeal_approved":
    case "appeal_rejected":
      facts.push([D.note, str(d.note)]);
      break;
    case "council_noted":
      facts.push([D.council, str(d.title)], [D.decision, str(d.text)]);
      break;
    case "accepted":
      break;
    default:
      // A kind this page does not know yet (an import's, a later step's): show its plain values.
      for (const [key, value] of Object.entries(d))
        if (typeof value === "string" || typeof value === "number") facts.push([key, String(value)]);
  }
  return facts.filter((f): f is [string, string] => f[1] != null);
}
