import type { Identity } from '@casino/auth';

export type AuditOutcome = 'allowed' | 'denied' | 'failed';

/** One entry of the audit trail, as sent to compliance (which stores it in audit_logs). */
export interface AuditEvent {
  id: string;
  timestamp: Date;
  actorId: string | null;
  actorUsername: string | null;
  role: string | null;
  service: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  changes: { before: unknown; after: unknown } | null;
  requestId: string | null;
  clientName: string | null;
  ip: string | null;
  outcome: AuditOutcome;
}

/** Who did it, from the verified identity. */
export function actorOf(identity: Identity): Pick<AuditEvent, 'actorId' | 'actorUsername' | 'role'> {
  if (identity.kind === 'admin') {
    return { actorId: identity.userId, actorUsername: identity.username, role: identity.role };
  }
  if (identity.kind === 'service')
    return { actorId: null, actorUsername: `service:${identity.service}`, role: null };
  return { actorId: null, actorUsername: null, role: null };
}

/**
 * The member an audit event is about, so a member's history is found by their id whatever the mutation
 * returned (a ledger entry, a redemption, a self-exclusion period, a comp) and whatever its outcome: the
 * target when it is a Member, otherwise the `memberId` (or `member_id`) at the top of the change's after or
 * before, which is the mutation's input for a refused or failed attempt. A mutation about a member that
 * returns something else states the member that way in `setChanges` (a stored document naming its member
 * already does).
 */
export function memberIdOf(event: Pick<AuditEvent, 'targetType' | 'targetId' | 'changes'>): string | null {
  if (event.targetType === 'Member' && event.targetId) return event.targetId;
  for (const side of [event.changes?.after, event.changes?.before]) {
    if (!side || typeof side !== 'object' || Array.isArray(side)) continue;
    const named = (side as Record<string, unknown>).memberId ?? (side as Record<string, unknown>).member_id;
    if (typeof named === 'string' && named.length > 0) return named;
  }
  return null;
}
