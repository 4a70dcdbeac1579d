/**
 * The server render: Remix's default for Node, plus the request's CSP nonce
 * (docs/decisions/0017) on every script the page carries — the module
 * scripts, the hydration data and the single-fetch stream.
 *
 * Every page is sent whole, in one write with its length (decision 0026). No
 * loader defers data, so the shell is the page and streaming it gained no
 * time; it cost ~27 chunks per page, each through a web stream and a syscall.
 */
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToPipeableStream } from "react-dom/server";
import { collectWrites } from "~/lib/collect-writes.server";
import { NonceContext } from "~/lib/nonce";

const ABORT_DELAY = 5_000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce;
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const collect = collectWrites((parts) => {
      const body = Buffer.from(parts.join(""));
      responseHeaders.set("Content-Type", "text/html; charset=utf-8");
      responseHeaders.set("Content-Length", String(body.length));
      resolve(new Response(body, { headers: responseHeaders, status: responseStatusCode }));
    });
    // Cleared once the whole page has rendered: fired later, React's abort would end the
    // finished stream again and make (and drop) an error for every page served.
    const abortLate = setTimeout(() => abort(), ABORT_DELAY);
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceContext.Provider>,
      {
        nonce,
        onShellReady() {
          shellRendered = true;
        },
        onAllReady() {
          clearTimeout(abortLate);
          pipe(collect);
        },
        onShellError(error: unknown) {
          clearTimeout(abortLate);
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Errors before the shell reject and are logged by Remix; later ones only here.
          if (shellRendered) console.error(error);
        },
      },
    );
  });
}
