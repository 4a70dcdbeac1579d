import { useCallback, useState } from "react";

/** Requests in flight or answered, by URL, for this page's lifetime. */
const answers = new Map<string, Promise<unknown>>();

/**
 * A JSON resource fetched once and shared by every component that wants it
 * (lists a page fetches when they are first needed); a failed request is
 * forgotten, so the next caller tries again.
 */
export function fetchOnce<T>(url: string): Promise<T> {
  let answer = answers.get(url) as Promise<T> | undefined;
  if (!answer) {
    answer = fetch(url).then((res) => {
      if (!res.ok) throw new Error(`${url}: ${res.status}`);
      return res.json() as Promise<T>;
    });
    answers.set(url, answer);
    answer.catch(() => answers.delete(url));
  }
  return answer;
}

/**
 * `fetchOnce` for a component: nothing is fetched until `want()` (a list
 * reached for, a panel opened); `data` is null until the answer is in. What
 * an older URL answered is dropped when the URL changes, and after a failure
 * the next `want()` tries again.
 */
export function useWantedJson<T>(url: string | undefined) {
  const [answer, setAnswer] = useState<{ url: string; data: T } | null>(null);
  const [loading, setLoading] = useState<string | null>(null);
  const want = useCallback(() => {
    if (!url || answer?.url === url || loading === url) return;
    setLoading(url);
    fetchOnce<T>(url).then(
      (data) => {
        setAnswer({ url, data });
        setLoading(null);
      },
      () => setLoading(null),
    );
  }, [url, answer, loading]);
  return { data: answer && answer.url === url ? answer.data : null, loading: !!url && loading === url, want };
}
