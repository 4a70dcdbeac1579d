/** The import's web flow for tests: upload a file, get the mapping step's token. */

/** Uploads `content` as the import page would; returns the upload's token, or throws with the answer. */
export async function uploadFile(
  baseUrl: string,
  cookie: string,
  content: Uint8Array | string,
  fileName: string,
): Promise<Response> {
  const form = new FormData();
  form.append("file", new Blob([typeof content === "string" ? content : new Uint8Array(content)]), fileName);
  return fetch(`${baseUrl}/tickets/import?index`, {
    method: "POST",
    body: form,
    headers: { cookie, origin: baseUrl },
    redirect: "manual",
  });
}

/** The mapping step's token from an upload's redirect. */
export function tokenOf(response: Response): string | null {
  return /\/tickets\/import\/map\/([a-f0-9]{32})$/.exec(response.headers.get("location") ?? "")?.[1] ?? null;
}

export async function uploadCsv(baseUrl: string, cookie: string, csv: string): Promise<string> {
  const response = await uploadFile(baseUrl, cookie, csv, "export.csv");
  const token = tokenOf(response);
  if (!token) throw new Error(`upload refused: ${response.status} ${await response.text()}`);
  return token;
}
