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
