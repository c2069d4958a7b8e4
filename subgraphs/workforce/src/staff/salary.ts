import { Decimal128 } from 'mongodb';
import { isEncrypted } from '@casino/crypto';
import type { FieldProtector, ProtectedField } from '@casino/crypto';

/**
 * `staff_members.salary` is personal data (PRODUCT.md §6): it is stored only sealed with the field protector
 * (decimal text such as "52000.00", bound to the staff member's id), opened for responses through
 * `revealProtectedAmount` only, and for the payroll figures inside workforce only.
 */
export const SALARY_FIELD: ProtectedField = { collection: 'staff_members', field: 'salary' };

/** Marker in audit `changes` for a salary that changed: neither its plaintext nor its ciphertext goes there. */
export const CHANGED_MARKER = '[changed]';

/** Where a salary's ciphertext is bound: the staff_members document with this id. */
export const salaryContext = (staffMemberId: string) => ({
  collection: SALARY_FIELD.collection,
  field: SALARY_FIELD.field,
  documentId: staffMemberId,
});

/** Seals a validated amount (Decimal128 from the Money scalar, or decimal text) for the staff member. */
export function sealSalary(
  protector: FieldProtector,
  amount: Decimal128 | string,
  staffMemberId: string,
): string {
  return protector.seal(amount.toString(), salaryContext(staffMemberId));
}

/**
 * The decimal text of a stored salary: opened when sealed; a value from before encryption (a Decimal128 or
 * plain text, until the next key rotation seals it) is read as it is.
 */
export function openSalary(protector: FieldProtector, stored: unknown, staffMemberId: string): string {
  if (isEncrypted(stored)) return protector.open(stored, salaryContext(staffMemberId));
  if (stored instanceof Decimal128) return stored.toString();
  return String(stored);
}

/** Exact cents of a decimal amount such as "52000", "52000.5" or "52000.50". */
export function toCents(amount: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(amount.trim());
  if (!match) throw new RangeError('a stored salary is not a decimal amount');
  const value = BigInt(match[2]!) * 100n + BigInt((match[3] ?? '').padEnd(2, '0'));
  return match[1] === '-' ? -value : value;
}

/** Decimal text with two decimals. */
export function centsToMoney(value: bigint): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  return `${negative ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** The average in cents, rounded half up (amounts are never negative). */
export const averageCents = (total: bigint, count: number): bigint =>
  (total * 2n + BigInt(count)) / (BigInt(count) * 2n);
