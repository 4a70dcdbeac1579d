import type { ReactNode } from "react";
import { useLinkDelegation } from "~/lib/link-delegation";

/**
 * A row of links that switch what a list shows (a queue, a scope, a state), the current one marked for
 * screen readers and styled as chosen. Plain anchors with one listener (lib/link-delegation.ts); `href`
 * gives absolute paths.
 */
export function Tabs<K extends string>(props: {
  label: string;
  tabs: readonly K[];
  current: K;
  href: (tab: K) => string;
  children: (tab: K) => ReactNode;
}) {
  const links = useLinkDelegation<HTMLUListElement>();
  return (
    <nav aria-label={props.label}>
      <ul className="queue-tabs" ref={links}>
        {props.tabs.map((tab) => (
          <li key={tab}>
            <a
              href={props.href(tab)}
              data-discover="true"
              aria-current={tab === props.current ? "page" : undefined}
              className={tab === props.current ? "active" : undefined}
            >
              {props.children(tab)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
