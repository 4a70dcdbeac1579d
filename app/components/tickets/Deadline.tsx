import { useEffect, useState } from "react";
import { formatDateTime, t } from "~/i18n";

const T = t.tickets;
const DAY = 86_400_000;

/** Statuses in which the handling clock runs (queries.ts deadlineFlags uses the same). */
const running = new Set(["accepted", "in_progress"]);

/** 超期 past the deadline; 临期 in the last quarter of the limit, at most the last day (as deadlineFlags). */
function flagsAt(now: number, deadline: number, started: number | null) {
  const left = deadline - now;
  const total = deadline - (started ?? deadline);
  return { overdue: left < 0, near: left >= 0 && left <= Math.min(DAY, total / 4) };
}

/** The badge a deadline's flags show, if any: for the component below, and for the queue's rows written as markup. */
export function deadlineBadge(overdue: boolean, near: boolean) {
  if (overdue) return { className: "badge badge-overdue", label: T.badges.overdue };
  if (near) return { className: "badge badge-near", label: T.badges.near };
  return null;
}

function DeadlineBadges({ overdue, near }: { overdue: boolean; near: boolean }) {
  const badge = deadlineBadge(overdue, near);
  return badge ? <span className={badge.className}>{badge.label}</span> : null;
}

/**
 * The deadline with a live countdown. The first render uses the server's
 * clock (so the HTML and the hydrated page agree); then it ticks every
 * second in the browser and turns into 超期 the moment the deadline passes.
 */
export function Countdown(props: {
  status: string;
  deadlineAt: Date | string | null;
  clockStartedAt: Date | string | null;
  serverNow: number;
}) {
  const [now, setNow] = useState(props.serverNow);
  const ticking = props.deadlineAt != null && running.has(props.status);
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [ticking]);

  if (!props.deadlineAt) return <span className="muted">{T.countdown.notStarted}</span>;
  const deadline = new Date(props.deadlineAt).getTime();
  const started = props.clockStartedAt ? new Date(props.clockStartedAt).getTime() : null;
  const due = <time dateTime={new Date(deadline).toISOString()}>{formatDateTime(deadline)}</time>;
  if (!ticking) return due;
  const flags = flagsAt(now, deadline, started);
  return (
    <span className="countdown">
      {due}{" "}
      <span
        className={flags.overdue ? "countdown-value over" : flags.near ? "countdown-value near" : "countdown-value"}
      >
        {flags.overdue ? T.countdown.over(now - deadline) : T.countdown.left(deadline - now)}
      </span>{" "}
      <DeadlineBadges overdue={flags.overdue} near={flags.near} />
    </span>
  );
}
