import { Decimal128 } from 'mongodb';
import type { Db } from 'mongodb';
import { assertResealBatchSize, isEncrypted, notSealedWithCurrentKey, resealBatch } from '@casino/crypto';
import type { FieldProtector, ProtectedField, ProtectedFieldRotation } from '@casino/crypto';

/**
 * `staff_members.salary` is personal data (PRODUCT.md §6): it is stored only sealed with the field protector
 * (decimal text such as "52000.00", bound to the staff member's id), opened for responses through
 * `revealProtectedAmount` only, and for the payroll figures inside workforce only.
 */
export const SALARY_FIELD: ProtectedField = { collection: 'staff_members', field: 'salary' };

/** Every protected field of workforce, re-sealed in this order by `resealWorkforceProtectedFields`. */
export const WORKFORCE_PROTECTED_FIELDS: readonly ProtectedField[] = [SALARY_FIELD];

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

/**
 * One re-seal batch per protected field under the current key (the compliance key rotation calls this until
 * every `remaining` is 0). Salaries still stored as Decimal128 from before encryption are sealed first, with
 * the same compare-and-set as `resealBatch`, and count as remaining until they are.
 */
export async function resealWorkforceProtectedFields(
  db: Db,
  protector: FieldProtector,
  batchSize: number,
): Promise<ProtectedFieldRotation[]> {
  assertResealBatchSize(batchSize);
  const results: ProtectedFieldRotation[] = [];
  for (const target of WORKFORCE_PROTECTED_FIELDS) {
    const legacy = await sealLegacyDecimals(db, target, protector, batchSize);
    const budget = batchSize - legacy.resealed;
    const progress =
      budget > 0
        ? await resealBatch(db, target, protector, budget)
        : {
            ...target,
            resealed: 0,
            remaining: await db
              .collection(target.collection)
              .countDocuments(notSealedWithCurrentKey(target.field, protector.currentKeyId)),
          };
    results.push({
      ...progress,
      resealed: progress.resealed + legacy.resealed,
      remaining: progress.remaining + legacy.remaining,
      keyId: protector.currentKeyId,
    });
  }
  return results;
}

/** Seals up to `limit` amounts stored as Decimal128 (written before salaries were encrypted). */
async function sealLegacyDecimals(
  db: Db,
  target: ProtectedField,
  protector: FieldProtector,
  limit: number,
): Promise<{ resealed: number; remaining: number }> {
  const collection = db.collection(target.collection);
  const filter = { [target.field]: { $type: 'decimal' } };
  const batch = await collection
    .find(filter, { projection: { _id: 0, id: 1, [target.field]: 1 }, limit })
    .toArray();
  let resealed = 0;
  for (const doc of batch) {
    const stored = doc[target.field] as Decimal128;
    const id = doc.id as string;
    const result = await collection.updateOne(
      { id, [target.field]: stored },
      { $set: { [target.field]: sealSalary(protector, stored, id) } },
    );
    resealed += result.modifiedCount;
  }
  return { resealed, remaining: await collection.countDocuments(filter) };
}

/** Key rotation of workforce's protected fields, as the request context exposes it. */
export class WorkforceProtection {
  constructor(
    private readonly db: Db,
    private readonly protector: FieldProtector,
  ) {}

  reseal(batchSize: number): Promise<ProtectedFieldRotation[]> {
    return resealWorkforceProtectedFields(this.db, this.protector, batchSize);
  }
}
