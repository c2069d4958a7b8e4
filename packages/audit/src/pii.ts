import { hasRoleOrPermission } from '@casino/auth';
import type { Identity } from '@casino/auth';
import type { RequestAudit } from './middleware';

/** Who sees identity documents in full; every such read is audited. Everyone else gets the mask. */
export const PII_REVEAL = { minimumRole: 'GeneralAdmin', permission: 'pii:read' } as const;

/** Shows only the last four characters of an identity document number. */
export function maskDocumentNumber(value: string | null | undefined): string | null {
  if (!value) return null;
  return `****${value.slice(-4)}`;
}

/**
 * The one place that decides whether an identity document is shown in full (and audited as `pii.read`) or
 * masked, for every subgraph that holds one.
 */
export function revealIdentityDocument(
  ctx: { identity: Identity; audit: Pick<RequestAudit, 'record'> },
  value: string | null | undefined,
  target: { type: string; id: string; field: string },
): string | null {
  if (!value) return null;
  if (!hasRoleOrPermission(ctx.identity, PII_REVEAL.minimumRole, PII_REVEAL.permission)) {
    return maskDocumentNumber(value);
  }
  ctx.audit.record({
    action: 'pii.read',
    targetType: target.type,
    targetId: target.id,
    changes: { before: null, after: { field: target.field } },
  });
  return value;
}
