import { randomUUID } from 'node:crypto';
import { Decimal128, MongoServerError } from 'mongodb';
import type { Collection, Document, OptionalUnlessRequiredId } from 'mongodb';

/** Ids are UUID strings in `id`; MongoDB's own `_id` is never exposed. */
export const newId = (): string => randomUUID();

const MONEY = /^-?\d{1,13}(\.\d{1,2})?$/;

/** Money is stored as Decimal128 so sums are exact; inputs must have at most two decimals. */
export function toMoney(value: string | number): Decimal128 {
  const text = typeof value === 'number' ? value.toFixed(2) : value.trim();
  if (!MONEY.test(text)) throw new RangeError(`not a money amount: ${text}`);
  const [units, cents = ''] = text.split('.');
  // always two decimals, so "5" and "5.00" are stored (and shown) the same way
  return Decimal128.fromString(`${units}.${cents.padEnd(2, '0')}`);
}

export const isMoneyText = (text: string): boolean => MONEY.test(text.trim());

/**
 * The field behind a duplicate-key error, when it can be told: from keyPattern on MongoDB, or from the index
 * name in the message on servers that omit keyPattern.
 */
export function duplicateKeyField(error: unknown): string | null {
  if (!(error instanceof MongoServerError) || error.code !== 11000) return null;
  const pattern = (error as MongoServerError & { keyPattern?: Record<string, unknown> }).keyPattern;
  if (pattern) return Object.keys(pattern)[0] ?? 'key';
  const index = /index: ([\w.]+?)(?:_-?1)+\b/.exec(error.message) ?? /index: (\S+)/.exec(error.message);
  return index?.[1] ?? 'key';
}

/**
 * Inserts a document (a copy: the driver would add `_id` to the caller's object); false instead of an error
 * when a unique index already holds its key (an idempotency key, an id), so a retried or concurrent write finds
 * the earlier one rather than failing. Any other error is thrown.
 */
export async function insertUnlessDuplicate<T extends Document>(
  collection: Collection<T>,
  document: OptionalUnlessRequiredId<T>,
): Promise<boolean> {
  try {
    await collection.insertOne({ ...document });
    return true;
  } catch (error) {
    if (duplicateKeyField(error) === null) throw error;
    return false;
  }
}

export const isNegativeMoney = (amount: Decimal128): boolean => amount.toString().startsWith('-');
