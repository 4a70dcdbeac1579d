import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { formatDateTime, t } from "~/i18n";
import { requestedSignedVersion } from "~/lib/plan-export.server";
import styles from "~/styles/plan-work.css?url";

const P = t.planWork.print;

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? P.heading(data.plan.title) : `${P.title} · ${t.app.name}` },
];

/**
 * /plans/:planId/print[?version=N]: a signed version for the community
 * office's wall — the latest version every required party signed, or
 * version N. A4 print CSS (plan-work.css): no navigation, each list on its
 * own sheet, table headers repeated on every page.
 */
export const loader = (args: LoaderFunctionArgs) => requestedSignedVersion(args);

export default function PlanPrint() {
  const { plan, version, complete, text, lists, signatures } = useLoaderData<typeof loader>();
  return (
    <main id="main" className="print-page">
      <p className="no-print">
        <button type="button" className="button primary" onClick={() => window.print()}>
          {P.printButton}
        </button>
      </p>
      <h1>{P.heading(plan.title)}</h1>
      <p className="print-meta">
        {P.version(version.number, version.hash.slice(0, 16))}
        <br />
        {P.frozen(version.frozenBy, formatDateTime(version.frozenAt))}
      </p>
      {complete ? null : <p className="form-error">{P.incomplete}</p>}

      <section aria-labelledby="print-text">
        <h2 id="print-text">{P.text}</h2>
        {text.length === 0 ? <p>{P.empty}</p> : null}
        {text.map((block, i) =>
          block.kind === "heading" ? (
            <h3 key={i}>{block.text}</h3>
          ) : (
            <p key={i} className={block.kind === "item" ? "print-item" : undefined}>
              {block.kind === "item" ? "· " : ""}
              {block.text}
            </p>
          ),
        )}
      </section>

      {lists.map((list) => (
        <section key={list.key} className="print-list" aria-labelledby={`print-${list.key}`}>
          <h2 id={`print-${list.key}`}>{list.title}</h2>
          <table className="print-table">
            <thead>
              <tr>
                {list.scope === "party" ? <th scope="col">{P.party}</th> : null}
                {list.columns.map((c) => (
                  <th key={c.key} scope="col">
                    {c.title}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {list.rows.length === 0 ? (
                <tr>
                  <td colSpan={list.columns.length + (list.scope === "party" ? 1 : 0)}>{P.empty}</td>
                </tr>
              ) : null}
              {list.rows.map(({ party, row }, i) => (
                <tr key={row.id ?? i}>
                  {list.scope === "party" ? <td>{party}</td> : null}
                  {list.columns.map((c) => (
                    <td key={c.key}>{row[c.key] ?? ""}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}

      <section className="print-signatures" aria-labelledby="print-signatures">
        <h2 id="print-signatures">{P.signatures}</h2>
        <table className="print-table">
          <thead>
            <tr>
              <th scope="col">{P.party}</th>
              <th scope="col">{P.signer}</th>
              <th scope="col">{P.signedAt}</th>
              <th scope="col">{P.hash}</th>
            </tr>
          </thead>
          <tbody>
            {signatures.map((s) => (
              <tr key={s.orgName}>
                <td>{s.orgName}</td>
                <td>{s.signed?.userName ?? P.unsigned}</td>
                <td>{s.signed ? formatDateTime(s.signed.signedAt) : ""}</td>
                <td className="hash">{s.signed?.hash ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </main>
  );
}
