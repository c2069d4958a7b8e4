import { hasRoleOrPermission } from '@casino/auth';
import type { Identity } from '@casino/auth';
import { isEncrypted } from '@casino/crypto';
import type { FieldProtector } from '@casino/crypto';
import type { RequestAudit } from './middleware';

/** Who sees identity documents in full; every such read is audited. Everyone else gets the mask. */
export const PII_REVEAL = { minimumRole: 'GeneralAdmin', permission: 'pii:read' } as const;

/** Shows only the last four characters of an identity document number. */
export function maskDocumentNumber(value: string | null | undefined): string | null {
  if (!value) return null;
  return `****${value.slice(-4)}`;
}

/** What a protected read needs from the request context. */
export interface ProtectedReadContext {
  identity: Identity;
  audit: Pick<RequestAudit, 'record'>;
  /** The subgraph's field protector (SubgraphDeps.protector) */
  protector?: FieldProtector;
}

/** Where a protected value lives: the stored document (for the ciphertext's binding) and the GraphQL field. */
export interface ProtectedTarget {
  /** GraphQL type and field, for the audit entry, e.g. Member / nicPassport */
  type: string;
  field: string;
  /** Stored document: collection, snake_case field and the document's id */
  collection: string;
  storedField: string;
  id: string;
}

/**
 * Opens a stored protected value. Values written before encryption was switched on are still plaintext
 * until the next `rotateEncryptionKey` run seals them; they are read as they are.
 */
function open(ctx: ProtectedReadContext, stored: string, target: ProtectedTarget): string {
  if (!isEncrypted(stored)) return stored;
  if (!ctx.protector)
    throw new Error(`${target.collection}.${target.storedField} is sealed but no keys are loaded`);
  return ctx.protector.open(stored, {
    collection: target.collection,
    field: target.storedField,
    documentId: target.id,
  });
}

function recordRead(ctx: ProtectedReadContext, target: ProtectedTarget): void {
  ctx.audit.record({
    action: 'pii.read',
    targetType: target.type,
    targetId: target.id,
    changes: { before: null, after: { field: target.field } },
  });
}

/**
 * The one place that turns a stored identity document (NIC, passport, ID card) into what a caller may see:
 * the full number, decrypted and audited as `pii.read`, for GeneralAdmin+ or holders of `pii:read`; the mask
 * `****1234` for everyone else.
 */
export function revealIdentityDocument(
  ctx: ProtectedReadContext,
  stored: string | null | undefined,
  target: ProtectedTarget,
): string | null {
  if (!stored) return null;
  const plaintext = open(ctx, stored, target);
  if (!hasRoleOrPermission(ctx.identity, PII_REVEAL.minimumRole, PII_REVEAL.permission)) {
    return maskDocumentNumber(plaintext);
  }
  recordRead(ctx, target);
  return plaintext;
}

/**
 * Decrypts a protected amount (salary) for a caller the field's shield rule already allowed (everyone else
 * gets null with a FORBIDDEN field error from the rule) and audits the read.
 */
export function revealProtectedAmount(
  ctx: ProtectedReadContext,
  stored: string | number | null | undefined,
  target: ProtectedTarget,
): number | null {
  if (stored === null || stored === undefined) return null;
  const value = typeof stored === 'number' ? stored : Number(open(ctx, stored, target));
  recordRead(ctx, target);
  return value;
}
