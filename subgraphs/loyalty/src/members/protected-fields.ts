import type { ProtectedField } from '@casino/crypto';
import { NIC_PASSPORT } from './member-store';

/** Every field loyalty stores sealed: what a key rotation has to re-seal. */
export const LOYALTY_PROTECTED_FIELDS: readonly ProtectedField[] = [
  { collection: NIC_PASSPORT.collection, field: NIC_PASSPORT.field, lookupField: NIC_PASSPORT.index },
];
