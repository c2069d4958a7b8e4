import { z } from 'zod';
import { camelCaseKeys, memberIdOf, redact } from '@casino/audit';
import type { AuditEvent, AuditSink } from '@casino/audit';
import { forbiddenError } from '@casino/auth';
import type { Identity } from '@casino/auth';
import { badUserInput, validateInput } from '@casino/errors';
import type { PageArgs, PagingConfig } from '@casino/mongo';
import { ADMIN_ROLES } from '../admins/admin-user-store';
import type { AuditLogDocument, AuditLogFilterInput, AuditLogStore } from './audit-log-store';

/** Stored when an event names no target type (the GraphQL field is non-null). */
export const UNKNOWN_TARGET_TYPE = 'Unknown';

const text = (max: number) => z.string().max(max, 'is too long');

const auditEventSchema = z.object({
  id: z.string().min(1, 'is required').max(100, 'is too long'),
  timestamp: z.date(),
  actorId: text(100).nullish(),
  actorUsername: text(200).nullish(),
  role: z.enum(ADMIN_ROLES).nullish(),
  service: z.string().min(1, 'is required').max(60, 'is too long'),
  action: z.string().min(1, 'is required').max(200, 'is too long'),
  targetType: text(100).nullish(),
  targetId: text(200).nullish(),
  changes: z.record(z.string(), z.unknown()).nullish(),
  requestId: text(200).nullish(),
  clientName: text(200).nullish(),
  ip: text(100).nullish(),
  outcome: z.enum(['allowed', 'denied', 'failed']),
});

export type AuditEventRecord = z.input<typeof auditEventSchema>;

/**
 * An audit event as an `audit_logs` entry. Its changes are redacted again: the sender should have done it,
 * and the trail must not hold personal data even if one did not. Their keys are stored as the API names
 * them, and the member the event is about (`memberIdOf`) is kept beside a target that is not that member, so
 * a member's history holds every change to them whatever the mutation returned and whatever its outcome.
 */
export function toAuditLogDocument(event: AuditEventRecord | AuditEvent): AuditLogDocument {
  const changes = event.changes ? (camelCaseKeys(redact(event.changes)) as Record<string, unknown>) : null;
  const memberId = memberIdOf({
    targetType: event.targetType ?? null,
    targetId: event.targetId ?? null,
    changes: changes as AuditEvent['changes'],
  });
  return {
    id: event.id,
    timestamp: event.timestamp,
    admin_user_id: event.actorId ?? null,
    actor_username: event.actorUsername ?? null,
    role: ADMIN_ROLES.find((role) => role === event.role) ?? null,
    service: event.service,
    action: event.action,
    target_type: event.targetType ?? UNKNOWN_TARGET_TYPE,
    target_id: event.targetId ?? null,
    // kept only when the target is something else: a member's own entries are found by their target
    ...(memberId !== null && memberId !== event.targetId ? { member_id: memberId } : {}),
    changes,
    request_id: event.requestId ?? null,
    client_name: event.clientName ?? null,
    ip: event.ip ?? null,
    outcome: event.outcome,
  };
}

/** Takes in the audit events other subgraphs deliver (recordAuditEvents). */
export class AuditEventService {
  constructor(
    private readonly auditLogs: AuditLogStore,
    private readonly limits: { maxAuditEventsPerCall: number },
  ) {}

  /** A page of the audit log, most recent first. */
  page(filter: AuditLogFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.auditLogs.page(filter, args, paging);
  }

  /**
   * Stores the events it does not have yet; returns how many were new. A service delivers its own trail
   * only: a batch with any event naming another service is refused whole (FORBIDDEN) and nothing is stored,
   * so a compromised service cannot write entries in another service's name.
   */
  record(caller: Identity, rawEvents: AuditEventRecord[]): Promise<number> {
    if (rawEvents.length > this.limits.maxAuditEventsPerCall) {
      throw badUserInput('events', `at most ${this.limits.maxAuditEventsPerCall} events per call`);
    }
    const events = validateInput(z.array(auditEventSchema), rawEvents, 'events');
    if (caller.kind !== 'service' || events.some((event) => event.service !== caller.service)) {
      throw forbiddenError('Audit events must name the calling service as their service');
    }
    return this.auditLogs.insertNew(events.map(toAuditLogDocument));
  }
}

/** Compliance's own audit trail goes straight into its store, with the same dedupe as the API. */
export class AuditLogSink implements AuditSink {
  constructor(private readonly auditLogs: AuditLogStore) {}

  async deliver(events: AuditEvent[]): Promise<void> {
    await this.auditLogs.insertNew(events.map(toAuditLogDocument));
  }
}
