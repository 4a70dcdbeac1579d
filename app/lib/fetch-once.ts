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
