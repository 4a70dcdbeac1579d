import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ListPager } from "~/components/ListPager";
import { Tabs } from "~/components/Tabs";
import { Commitments, commitmentsStylesheet } from "~/components/plans/Commitments";
import { t } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { loadOrThrow } from "~/lib/forms.server";
import { withQuery } from "~/lib/href";
import { commitmentsPage, commitmentStates, type CommitmentState } from "../../server/plans";

const L = t.planWork.commitmentList;

export const links: LinksFunction = () => [commitmentsStylesheet];

export const meta: MetaFunction = () => [{ title: `${L.title} · ${t.app.name}` }];

/**
 * /commitments: the commitments of every plan the person may read, the earliest deadline first — their own
 * units' by default, where they report progress (the form posts to the plan's commitments page).
 */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const actor = requirePermission(context, request, "read:plan");
  const params = new URL(request.url).searchParams;
  const input = {
    who: params.get("who") || undefined,
    state: params.get("state") || undefined,
    cursor: params.get("cursor") || undefined,
  };
  const page = await loadOrThrow(() => commitmentsPage(context.database, actor, input));
  // The states come with the data: the route module must not pull the server's modules into the browser.
  return { ...page, states: commitmentStates, paged: !!input.cursor };
}

export default function CommitmentList() {
  const { commitments, planOwners, who, state, states, mayChooseWho, next, paged } = useLoaderData<typeof loader>();
  const href = (change: { who?: string; state?: CommitmentState; cursor?: string }) =>
    withQuery("/commitments", { who, state, cursor: "", ...change });
  return (
    <main id="main" className="page">
      <h1>{L.title}</h1>
      <p className="muted">{L.intro}</p>
      {mayChooseWho ? (
        <Tabs label={L.whoLabel} tabs={["mine", "all"] as const} current={who} href={(w) => href({ who: w })}>
          {(w) => L.who[w]}
        </Tabs>
      ) : null}
      <Tabs label={L.stateLabel} tabs={states} current={state} href={(s) => href({ state: s })}>
        {(s) => L.states[s]}
      </Tabs>
      {commitments.length === 0 ? (
        <p className="muted">{L.none}</p>
      ) : (
        <Commitments
          commitments={commitments}
          heading={false}
          context={(c) => {
            const owner = planOwners[c.planId];
            return (
              <>
                {L.plan}：<Link to={`/plans/${c.planId}`}>{owner ? t.plans.planOf(owner.title) : c.planId}</Link>
              </>
            );
          }}
        />
      )}
      <ListPager paged={paged} next={next} href={(cursor) => href({ cursor })} label={L.pages} ascending />
    </main>
  );
}
