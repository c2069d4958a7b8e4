import { randomUUID } from 'node:crypto';
import { GraphQLError, getNamedType } from 'graphql';
import type { GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import type { Identity } from '@casino/auth';
import type { AuditEvent, AuditOutcome } from './event';
import { actorOf, memberIdOf } from './event';
import { redact } from './redact';

/** The per-request handle resolvers use to add to the audit trail. */
export interface RequestAudit {
  /** Records an event for this request's actor (PII reads, or details a mutation wants kept). */
  record(
    event: Pick<AuditEvent, 'action' | 'targetType' | 'targetId'> &
      Partial<Pick<AuditEvent, 'changes' | 'outcome'>>,
  ): void;
  /** Lets a mutation state the document before and after it, instead of the default (input and result). */
  setChanges(before: unknown, after: unknown): void;
}

export interface AuditRequestInfo {
  identity: Identity;
  requestId: string | null;
  clientName: string | null;
  ip: string | null;
  service: string;
}

export function createRequestAudit(
  info: AuditRequestInfo,
  sink: (event: AuditEvent) => void,
): RequestAudit & {
  takeChanges(): AuditEvent['changes'] | undefined;
} {
  let changes: AuditEvent['changes'] | undefined;
  return {
    record(event) {
      sink({
        id: randomUUID(),
        timestamp: new Date(),
        ...actorOf(info.identity),
        service: info.service,
        requestId: info.requestId,
        clientName: info.clientName,
        ip: info.ip,
        changes: null,
        outcome: 'allowed',
        ...event,
        ...(event.changes ? { changes: redact(event.changes) as AuditEvent['changes'] } : {}),
      });
    },
    setChanges(before, after) {
      changes = { before: redact(before), after: redact(after) };
    },
    takeChanges() {
      const taken = changes;
      changes = undefined;
      return taken;
    },
  };
}

const DENIED = new Set(['FORBIDDEN', 'UNAUTHENTICATED']);

function outcomeOf(error: unknown): AuditOutcome {
  if (!error) return 'allowed';
  return error instanceof GraphQLError && DENIED.has(String(error.extensions.code)) ? 'denied' : 'failed';
}

function targetIdOf(result: unknown, args: Record<string, unknown>): string | null {
  const fromResult =
    result && typeof result === 'object' ? (result as Record<string, unknown>).id : undefined;
  if (typeof fromResult === 'string') return fromResult;
  const input = args.input && typeof args.input === 'object' ? (args.input as Record<string, unknown>) : {};
  for (const candidate of [args.id, input.id, input.memberId, input.staffMemberId]) {
    if (typeof candidate === 'string') return candidate;
  }
  return null;
}

interface AuditedContext {
  audit: ReturnType<typeof createRequestAudit>;
}

/**
 * The member a mutation's target belongs to (a redemption's member), by the target's id: what a subgraph
 * answers cheaply (a request's DataLoader), or null when the target is unknown.
 */
export type TargetMemberLookup<C = never> = {
  // a method's parameters are compared both ways, so a definition's lookups fit any subgraph's definition
  lookup(targetId: string, ctx: C): Promise<string | null | undefined>;
}['lookup'];

/** A subgraph's member lookups, by the GraphQL type a mutation returns (its audit target type). */
export type TargetMemberLookups<C = never> = Readonly<Record<string, TargetMemberLookup<C>>>;

/**
 * The change with the member it is about when it does not name one yet: a mutation whose arguments name only
 * its target (`cancelRedemption(id)`), refused before the resolver loaded the target (denied by the rules,
 * invalid, in the wrong state), is then still in the member's history. A lookup that fails names no member:
 * the audit event is recorded all the same.
 */
async function withTargetMember(
  event: Pick<AuditEvent, 'targetType' | 'targetId' | 'changes'>,
  lookups: TargetMemberLookups,
  ctx: unknown,
): Promise<AuditEvent['changes']> {
  const lookup = event.targetType ? lookups[event.targetType] : undefined;
  if (!lookup || !event.targetId || memberIdOf(event) !== null) return event.changes;
  const memberId = await lookup(event.targetId, ctx as never).catch(() => null);
  if (!memberId) return event.changes;
  const after = event.changes?.after ?? null;
  const named =
    after && typeof after === 'object' && !Array.isArray(after)
      ? { ...after, memberId }
      : { memberId, after };
  return { before: event.changes?.before ?? null, after: named };
}

type MutationResolver = (
  parent: unknown,
  args: Record<string, unknown>,
  ctx: AuditedContext,
  info: GraphQLResolveInfo,
) => unknown;

/**
 * One audit event for the mutation field `resolve` answers, whether it was allowed, denied or failed; a
 * target whose type `lookups` names gives the event its member when nothing else does.
 */
function audited(resolve: MutationResolver, lookups: TargetMemberLookups): MutationResolver {
  return async (parent, args, ctx, info) => {
    let result: unknown;
    let thrown: unknown;
    try {
      result = await resolve(parent, args, ctx, info);
    } catch (error) {
      thrown = error;
    }
    const error = thrown ?? (result instanceof Error ? result : null);
    const outcome = outcomeOf(error);
    const stated = ctx.audit.takeChanges();
    const targetType = getNamedType(info.returnType).name;
    const targetId = targetIdOf(error ? null : result, args);
    const changes = stated ?? { before: null, after: outcome === 'allowed' ? result : (args.input ?? args) };
    ctx.audit.record({
      action: info.fieldName,
      targetType,
      targetId,
      outcome,
      changes: await withTargetMember({ targetType, targetId, changes }, lookups, ctx),
    });
    if (thrown) throw thrown;
    return result;
  };
}

/**
 * Wraps every field of the schema's Mutation type, in place, around its resolver as it stands (with the rules
 * already applied, so it sees denials too): every mutation field, allowed, denied or failed, becomes one
 * audit event. Queries are not audited here (they record their own PII reads), so no other field is touched.
 * `skip` names mutations that are part of the audit plumbing itself; `lookups` find the member of a target
 * (see `TargetMemberLookups`).
 */
export function auditMutations(
  schema: GraphQLSchema,
  skip: ReadonlySet<string> = new Set(),
  lookups: TargetMemberLookups = {},
): void {
  const mutation = schema.getMutationType();
  if (!mutation) return;
  for (const field of Object.values(mutation.getFields())) {
    if (skip.has(field.name) || !field.resolve) continue;
    field.resolve = audited(field.resolve as MutationResolver, lookups) as typeof field.resolve;
  }
}
