import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";

/**
 * With single fetch, RemixBrowser's first render suspends while it decodes the
 * loader data streamed into the page. If a person types during that window (the
 * login field is focused on arrival), React 18 forces a synchronous hydration of
 * the suspended root and throws "Root did not complete" (#345) — a React 18 bug
 * (facebook/react#25494), and React 19 is out of reach under Remix v2.
 *
 * So we let that first, suspending call happen before hydration: RemixBrowser
 * throws its decoding promise before it touches any hook; we wait for it, and
 * hydration then renders without suspending. Any other outcome (no single fetch,
 * an error) falls through to the normal path.
 */
function remixStateDecoded(): Promise<unknown> {
  try {
    RemixBrowser({});
  } catch (thrown) {
    if (thrown instanceof Promise) return thrown;
  }
  return Promise.resolve();
}

void remixStateDecoded().then(() => {
  startTransition(() => {
    hydrateRoot(
      document,
      <StrictMode>
        <RemixBrowser />
      </StrictMode>,
    );
  });
});
