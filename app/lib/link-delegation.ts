import { createPath, useNavigate } from "@remix-run/react";
import { useEffect, useState } from "react";

/**
 * In-app navigation for the plain anchors inside one element — a long
 * table's row links, the header's navigation, a row of tabs — through a
 * single click listener, as a router `Link` navigates. A `Link` runs the
 * router's hooks (resolving its path, a click handler, prefetch state) on
 * every server render, ~40 µs each, a `NavLink` more; fifty row links were a
 * tenth of the queue page's cost, and the header's and tabs' fifteen another
 * ~1 ms of every page (decision 0026, sessions 20 and 21). The anchors stay
 * real links: keyboard, middle click, "open in new tab" and the page before
 * hydration work as for any link. They carry `data-discover` as a `Link`
 * does, so the routes they lead to are discovered ahead of the click. Their
 * paths are absolute: a plain anchor resolves against the address, not the
 * route.
 *
 * Returns a callback ref: the element may come and go with the page's data
 * (a list that was empty, then is not), and the listener follows it.
 */
export function useLinkDelegation<T extends HTMLElement>() {
  const [element, setElement] = useState<T | null>(null);
  const navigate = useNavigate();
  useEffect(() => {
    if (!element) return;
    const onClick = (event: MouseEvent) => {
      const path = inAppTarget(event, element);
      if (path === null) return;
      event.preventDefault();
      // As a Link: a link to where the page already is replaces the entry instead of adding one.
      navigate(path, { replace: path === createPath(window.location) });
    };
    element.addEventListener("click", onClick);
    return () => element.removeEventListener("click", onClick);
  }, [element, navigate]);
  return setElement;
}

/**
 * Whether a link to `to` is the current page, by a `NavLink`'s rule: the same
 * path, or (unless `end`) a path below it; letter case aside.
 */
export function isCurrentPath(pathname: string, to: string, end = false): boolean {
  const here = pathname.toLowerCase();
  const there = to.toLowerCase();
  if (here === there) return true;
  if (end) return false;
  const slashAt = there !== "/" && there.endsWith("/") ? there.length - 1 : there.length;
  return here.startsWith(there) && here.charAt(slashAt) === "/";
}

/**
 * The path a click should navigate to in the app, or null where the browser
 * should act (React Router's rule for a `Link`): a modified or non-primary
 * click, another target or origin, a download.
 */
function inAppTarget(event: MouseEvent, within: HTMLElement): string | null {
  if (event.defaultPrevented || event.button !== 0) return null;
  if (event.metaKey || event.altKey || event.ctrlKey || event.shiftKey) return null;
  const anchor = event.target instanceof Element ? event.target.closest("a[href]") : null;
  if (!(anchor instanceof HTMLAnchorElement) || !within.contains(anchor)) return null;
  if ((anchor.target && anchor.target !== "_self") || anchor.hasAttribute("download")) return null;
  const url = new URL(anchor.href);
  if (url.origin !== window.location.origin) return null;
  return createPath(url);
}
