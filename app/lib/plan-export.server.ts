/**
 * The workbook of a signed plan (/plans/:planId/export.xlsx): one sheet per
 * list with the template's columns as its header row (a party list starts
 * with the party's name), and a sheet of signatures. Cells are text, as the
 * plan holds them: a deadline typed as a date stays the date the parties saw.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import ExcelJS from "exceljs";
import { formatDateTime, t } from "~/i18n";
import { requireActor } from "~/lib/auth.server";
import { loadOrThrow, parseId } from "~/lib/forms.server";
import { signedVersion } from "../../server/plans";

type Signed = Awaited<ReturnType<typeof signedVersion>>;

/** What the print view and the workbook show: the latest fully signed version, or `?version=N`. */
export function requestedSignedVersion({ context, request, params }: LoaderFunctionArgs): Promise<Signed> {
  const actor = requireActor(context, request);
  const planId = parseId(params.planId);
  const param = new URL(request.url).searchParams.get("version");
  const number = param === null ? undefined : parseId(param);
  if (!planId || number === null) throw new Response("Not Found", { status: 404 });
  return loadOrThrow(() => signedVersion(context.database, actor, planId, number));
}

const S = t.planWork.sheet;

/** Excel refuses sheet names over 31 characters or with []:*?/\ — custom list titles are typed by people. */
function sheetName(title: string, taken: Set<string>): string {
  const base =
    title
      .replace(/[[\]:*?/\\]/g, " ")
      .trim()
      .slice(0, 28) || "Sheet";
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}(${n})`;
  taken.add(name);
  return name;
}

function addSheet(workbook: ExcelJS.Workbook, name: string, headers: { header: string; width: number }[]) {
  const sheet = workbook.addWorksheet(name, { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = headers.map((h) => ({ ...h, style: { alignment: { wrapText: true, vertical: "top" } } }));
  sheet.getRow(1).font = { bold: true };
  return sheet;
}

export async function buildPlanWorkbook(signed: Signed): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = t.app.fullName;
  workbook.title = `${signed.plan.title} 第${signed.version.number}版`;
  const taken = new Set<string>();
  for (const list of signed.lists) {
    const party = list.scope === "party";
    const sheet = addSheet(workbook, sheetName(list.title, taken), [
      ...(party ? [{ header: S.party, width: 30 }] : []),
      ...list.columns.map((c) => ({ header: c.title, width: c.kind === "text" ? 28 : 14 })),
    ]);
    for (const { party: name, row } of list.rows)
      sheet.addRow([...(party ? [name ?? ""] : []), ...list.columns.map((c) => row[c.key] ?? "")]);
  }
  const signatures = addSheet(workbook, sheetName(S.signatures, taken), [
    { header: S.party, width: 30 },
    { header: S.signer, width: 14 },
    { header: S.signedAt, width: 22 },
    { header: S.hash, width: 70 },
  ]);
  for (const s of signed.signatures)
    signatures.addRow([
      s.orgName,
      s.signed?.userName ?? "",
      s.signed ? formatDateTime(s.signed.signedAt) : "",
      s.signed?.hash ?? "",
    ]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
