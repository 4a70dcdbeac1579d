/**
 * Reading a council: the full page for its members and conveners, and the
 * public page (公示) anyone may open — published decisions only, people's
 * names masked, tickets by number and status only.
 */
import { and, asc, eq, inArray, like, sql } from "drizzle-orm";
import type { Database, Queryable } from "../../db/client";
import {
  agendaItems,
  agendaItemTickets,
  attendance,
  ballots,
  councilReviews,
  councils,
  councilStageEvents,
  councilTopics,
  decisions,
  decisionSignatures,
  meetings,
  regions,
  votings,
} from "../../db/schema";
import { NotFoundError } from "../errors";
import { can, orgBriefs, userBriefs, type Actor } from "../identity";
import { newestFirstPage } from "../keyset";
import { significantPrefix } from "../regions";
import { maskName, ticketBriefs } from "../tickets";
import { councilMembers, LIST_PAGE, loadCouncil, mayOnCouncil, readableCouncil } from "./access";
import { linkedTicketIds } from "./councils";
import { whyFixed } from "./meetings";
import { tally } from "./votes";

async function meetingsOf(db: Queryable, councilId: number) {
  const ms = await db.select().from(meetings).where(eq(meetings.councilId, councilId)).orderBy(asc(meetings.startsAt));
  const ids = ms.map((m) => m.id);
  if (ids.length === 0) return [];
  const items = await db
    .select()
    .from(agendaItems)
    .where(inArray(agendaItems.meetingId, ids))
    .orderBy(asc(agendaItems.position));
  const itemIds = items.map((i) => i.id);
  const [itemTickets, present, vs, ds] = await Promise.all([
    itemIds.length ? db.select().from(agendaItemTickets).where(inArray(agendaItemTickets.itemId, itemIds)) : [],
    db.select().from(attendance).where(inArray(attendance.meetingId, ids)),
    itemIds.length ? db.select().from(votings).where(inArray(votings.itemId, itemIds)).orderBy(asc(votings.id)) : [],
    db.select().from(decisions).where(eq(decisions.councilId, councilId)),
  ]);
  const votingIds = vs.map((v) => v.id);
  const decisionIds = ds.map((d) => d.id);
  const [bs, sigs] = await Promise.all([
    votingIds.length ? db.select().from(ballots).where(inArray(ballots.votingId, votingIds)) : [],
    decisionIds.length
      ? db.select().from(decisionSignatures).where(inArray(decisionSignatures.decisionId, decisionIds))
      : [],
  ]);
  return ms.map((m) => ({
    ...m,
    attendance: present.filter((a) => a.meetingId === m.id),
    /** The convener may still move or cancel it (the same rule the services apply). */
    changeable:
      whyFixed(
        m,
        present.some((a) => a.meetingId === m.id),
      ) === null,
    items: items
      .filter((i) => i.meetingId === m.id)
      .map((i) => ({
        ...i,
        ticketIds: itemTickets.filter((t) => t.itemId === i.id).map((t) => t.ticketId),
        votings: vs
          .filter((v) => v.itemId === i.id)
          .map((v) => {
            const cast = bs.filter((b) => b.votingId === v.id);
            return {
              ...v,
              ballots: cast,
              tally: tally(
                cast.map((b) => b.choice),
                v,
              ),
            };
          }),
        decision: (() => {
          const d = ds.find((x) => x.itemId === i.id);
          return d ? { ...d, signatures: sigs.filter((s) => s.decisionId === d.id) } : null;
        })(),
      })),
  }));
}

/** A council as its members and conveners see it, with what the actor may do. */
export async function getCouncil(database: Database, actor: Actor, councilId: number) {
  const db = database.db;
  const loaded = await readableCouncil(db, actor, councilId);
  const { council, parties } = loaded;
  const [members, history, ticketIds, ms, reviews, region, topics] = await Promise.all([
    councilMembers(db, councilId),
    db
      .select()
      .from(councilStageEvents)
      .where(eq(councilStageEvents.councilId, councilId))
      .orderBy(asc(councilStageEvents.id)),
    linkedTicketIds(db, councilId),
    meetingsOf(db, councilId),
    db.select().from(councilReviews).where(eq(councilReviews.councilId, councilId)).orderBy(asc(councilReviews.id)),
    db.select({ name: regions.name }).from(regions).where(eq(regions.code, council.regionCode)).get(),
    db.select().from(councilTopics).where(eq(councilTopics.councilId, councilId)),
  ]);
  const orgs = await orgBriefs(db, [
    ...parties.filter((p) => p.orgId != null).map((p) => p.orgId!),
    ...(council.implementationOrgId ? [council.implementationOrgId] : []),
  ]);
  const orgName = new Map(orgs.map((o) => [o.id, o.name]));
  const userIds = [
    ...new Set(
      [...parties.map((p) => p.userId), ...history.map((h) => h.actorUserId)].filter((u): u is number => u != null),
    ),
  ];
  const names = new Map([...(await userBriefs(db, userIds)), ...members].map((u) => [u.userId, u.displayName]));
  const tickets = await ticketBriefs(db, actor, ticketIds);
  const convene = mayOnCouncil(actor, "convene:council", loaded);
  const participate = mayOnCouncil(actor, "participate:council", loaded);
  return {
    council: {
      ...council,
      regionName: region?.name ?? null,
      implementationOrgName: council.implementationOrgId ? (orgName.get(council.implementationOrgId) ?? null) : null,
    },
    parties: parties.map((p) => ({
      ...p,
      name: p.orgId != null ? (orgName.get(p.orgId) ?? "") : (names.get(p.userId!) ?? ""),
    })),
    members,
    history: history.map((h) => ({ ...h, actorName: h.actorUserId ? (names.get(h.actorUserId) ?? null) : null })),
    tickets: tickets.map(({ reporterUserId: _r, ...t }) => t),
    meetings: ms,
    reviews: reviews.map((r) => ({ ...r, name: maskName(names.get(r.userId) ?? null) })),
    topics,
    can: {
      convene,
      participate,
      member: members.some((m) => m.userId === actor.userId),
      review: council.stage === "residents_review" && can(actor, "review:council", { regionCode: council.regionCode }),
    },
  };
}

/** The public page (公示): only once a decision is published; names masked, no contact data. */
export async function publicCouncil(database: Database, councilId: number) {
  const db = database.db;
  const loaded = await loadCouncil(db, councilId);
  const published = loaded
    ? await db.select().from(decisions).where(eq(decisions.councilId, councilId)).orderBy(asc(decisions.id))
    : [];
  const shown = published.filter((d) => d.publishedAt != null);
  if (!loaded || shown.length === 0) throw new NotFoundError("该议事尚无公示的决议");
  const { council, parties } = loaded;
  const [history, ticketIds, sigs, vs, reviews, region] = await Promise.all([
    db
      .select({ toStage: councilStageEvents.toStage, at: councilStageEvents.at })
      .from(councilStageEvents)
      .where(eq(councilStageEvents.councilId, councilId))
      .orderBy(asc(councilStageEvents.id)),
    linkedTicketIds(db, councilId),
    db
      .select()
      .from(decisionSignatures)
      .where(
        inArray(
          decisionSignatures.decisionId,
          shown.map((d) => d.id),
        ),
      )
      .orderBy(asc(decisionSignatures.signedAt)),
    db
      .select()
      .from(votings)
      .where(
        inArray(
          votings.id,
          shown.map((d) => d.votingId).filter((v): v is number => v != null),
        ),
      ),
    db
      .select({
        rating: councilReviews.rating,
        comment: councilReviews.comment,
        reopenRequested: councilReviews.reopenRequested,
      })
      .from(councilReviews)
      .where(eq(councilReviews.councilId, councilId)),
    db.select({ name: regions.name }).from(regions).where(eq(regions.code, council.regionCode)).get(),
  ]);
  const bs = vs.length
    ? await db
        .select({ votingId: ballots.votingId, choice: ballots.choice })
        .from(ballots)
        .where(
          inArray(
            ballots.votingId,
            vs.map((v) => v.id),
          ),
        )
    : [];
  const orgs = new Map(
    (
      await orgBriefs(
        db,
        parties.filter((p) => p.orgId != null).map((p) => p.orgId!),
      )
    ).map((o) => [o.id, o.name]),
  );
  const users = new Map(
    (
      await userBriefs(
        db,
        sigs.map((s) => s.userId),
      )
    ).map((u) => [u.userId, u.displayName]),
  );
  const partyById = new Map(parties.map((p) => [p.id, p]));
  const tickets = await ticketBriefs(db, null, ticketIds);
  return {
    council: {
      id: council.id,
      title: council.title,
      description: council.description,
      address: council.address,
      lon: council.lon,
      lat: council.lat,
      stage: council.stage,
      regionCode: council.regionCode,
      regionName: region?.name ?? null,
      implementationDueAt: council.implementationDueAt,
    },
    parties: parties.filter((p) => p.orgId != null).map((p) => ({ role: p.role, name: orgs.get(p.orgId!) ?? "" })),
    residentRepresentatives: parties.filter((p) => p.userId != null).length,
    history,
    decisions: shown.map((d) => {
      const v = vs.find((x) => x.id === d.votingId);
      return {
        id: d.id,
        mode: d.mode,
        text: d.text,
        publishedAt: d.publishedAt!,
        tally: v
          ? tally(
              bs.filter((b) => b.votingId === v.id).map((b) => b.choice),
              v,
            )
          : null,
        signatures: sigs
          .filter((s) => s.decisionId === d.id)
          .map((s) => {
            const party = partyById.get(s.partyId);
            return {
              name: maskName(users.get(s.userId) ?? null) ?? "",
              party: party?.orgId != null ? (orgs.get(party.orgId) ?? "") : "居民代表",
              signedAt: s.signedAt,
            };
          }),
      };
    }),
    tickets: tickets.map((t) => ({ number: t.number, status: t.status })),
    reviews: {
      count: reviews.length,
      average: reviews.length ? reviews.reduce((a, r) => a + r.rating, 0) / reviews.length : null,
      reopenRequests: reviews.filter((r) => r.reopenRequested).length,
      comments: reviews.map((r) => r.comment).filter((c): c is string => !!c),
    },
  };
}

/**
 * One page of the councils with a published decision, latest change first, for the public list;
 * within a district when one is given. A city publishes thousands a year: a resident looks for
 * their own district's, then pages back.
 */
export async function listPublicCouncils(database: Database, options: { district?: string; cursor?: string } = {}) {
  const published = sql`exists (select 1 from ${decisions} where ${decisions.councilId} = ${councils.id} and ${decisions.publishedAt} is not null)`;
  const { rows, next } = await newestFirstPage(
    options.cursor,
    LIST_PAGE,
    (after, order, limit) =>
      database.db
        .select({
          id: councils.id,
          title: councils.title,
          address: councils.address,
          stage: councils.stage,
          updatedAt: councils.updatedAt,
        })
        .from(councils)
        .where(
          and(
            published,
            options.district ? like(councils.regionCode, `${significantPrefix(options.district)}%`) : undefined,
            after,
          ),
        )
        .orderBy(...order)
        .limit(limit),
    { time: councils.updatedAt, id: councils.id, of: (c) => c.updatedAt },
  );
  return { councils: rows, next };
}
