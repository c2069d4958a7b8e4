import type { ProtectedField } from '@casino/crypto';
import { ID_DOCUMENT } from './guest-store';

/**
 * Every field marketing stores sealed: what a key rotation has to re-seal, including guests moved to the
 * archive by retention (they keep their sealed document until the retention period anonymises them).
 */
export const MARKETING_PROTECTED_FIELDS: readonly ProtectedField[] = [
  { collection: ID_DOCUMENT.collection, field: ID_DOCUMENT.field, lookupField: ID_DOCUMENT.index },
  { collection: `${ID_DOCUMENT.collection}_archive`, field: ID_DOCUMENT.field },
];
