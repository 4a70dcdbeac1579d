/**
 * The load bench's baseline for the ticket queue page: a bare React server
 * render — `renderToString` of a plain table — of the rows the page shows,
 * read per request with the same query (`listTickets`, same actor, same
 * input), served by a bare node:http server on loopback. No Express, no
 * session, no Remix, no layout, no hydration data: what the page costs above
 * reading and printing its rows is what the comparison shows.
 *
 * Environment: DATABASE_URL; LOAD_BASELINE, JSON {"/path": {username, input}}.
 * Run with NODE_ENV=production. Prints "baseline listening on <port>".
 */
import { createServer } from "node:http";
import { renderToString } from "react-dom/server";
import { openDatabase } from "../../db/client";
import { listTickets } from "../../server/tickets";
import { t } from "../../app/i18n";
import { actorOf } from "../helpers/database";

type Row = Awaited<ReturnType<typeof listTickets>>["rows"][number];

const T = t.tickets;
const dateTime = new Intl.DateTimeFormat("zh-CN", { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Shanghai" });

/** The queue page's columns, as plain cells. */
function TicketTable({ rows }: { rows: Row[] }) {
  return (
    <table>
      <thead>
        <tr>
          <th>{T.list.number}</th>
          <th>{T.list.summary}</th>
          <th>{T.list.category}</th>
          <th>{T.list.place}</th>
          <th>{T.list.lead}</th>
          <th>{T.list.receivedAt}</th>
          <th>{T.list.deadline}</th>
          <th>{T.list.reporter}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id}>
            <td>
              <a href={`/tickets/${r.id}`}>{r.number}</a> {T.statuses[r.status]}
            </td>
            <td>
              {T.types[r.type]} {r.summary}
            </td>
            <td>{r.categoryName}</td>
            <td>
              {[r.streetName, r.communityName].filter(Boolean).join(" › ")} {r.address}
            </td>
            <td>{r.leadName}</td>
            <td>{dateTime.format(r.receivedAt)}</td>
            <td>{r.deadlineAt ? dateTime.format(r.deadlineAt) : ""}</td>
            <td>{r.reporterName}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const database = await openDatabase(process.env.DATABASE_URL!);
const routes = new Map<string, { actor: Awaited<ReturnType<typeof actorOf>>; input: object }>();
for (const [path, { username, input }] of Object.entries(
  JSON.parse(process.env.LOAD_BASELINE ?? "{}") as Record<string, { username: string; input: object }>,
)) {
  routes.set(path, { actor: await actorOf(database, username), input });
}

const server = createServer((req, res) => {
  const route = routes.get(req.url ?? "");
  if (!route) return void res.writeHead(404).end();
  listTickets(database, route.actor, route.input).then(
    (result) => {
      const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${T.title}</title></head><body>${renderToString(<TicketTable rows={result.rows} />)}</body></html>`;
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html);
    },
    (error: unknown) => res.writeHead(500).end(String(error)),
  );
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`baseline listening on ${typeof address === "object" && address ? address.port : "?"}`);
});
process.once("SIGTERM", () => {
  server.close();
  database.close();
  process.exit(0);
});
