import { BSON } from 'mongodb';
import type { Collection, Document, Filter, WithId } from 'mongodb';
import { badUserInput } from '@casino/errors';

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface PagingConfig {
  defaultSize: number;
  maxSize: number;
}

export interface Edge<T> {
  node: T;
  cursor: string;
}

export interface Connection<T = unknown> {
  edges: Edge<T>[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  /** Counted only when a client selects it. */
  totalCount: () => Promise<number>;
}

/** What the sort field holds, so a cursor can be checked to carry exactly that and nothing else. */
export type SortValueType = 'date' | 'string' | 'number' | 'decimal';

export interface SortSpec {
  /** A field present on every document; ties are broken by `id`. */
  field: string;
  direction: 1 | -1;
  /** The type of `field` on every document; timestamps (`created_at` and the like) unless said otherwise */
  type?: SortValueType;
}

function encodeCursor(value: unknown, id: string): string {
  return Buffer.from(BSON.EJSON.stringify([value, id], { relaxed: false })).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether a decoded sort value is exactly what the encoder writes for a field of this type: a cursor goes
 * into the keyset query, so anything else (an object such as `{ "$ne": null }`, an array, another type)
 * must never reach it.
 */
function isSortValue(value: unknown, type: SortValueType): boolean {
  switch (type) {
    case 'date':
      return value instanceof Date && !Number.isNaN(value.getTime());
    case 'string':
      return typeof value === 'string';
    case 'number':
      return (
        (value instanceof BSON.Int32 || value instanceof BSON.Double || value instanceof BSON.Long) &&
        Number.isFinite(Number(value.valueOf()))
      );
    case 'decimal':
      return value instanceof BSON.Decimal128;
  }
}

/** A cursor is exactly `[sortValue, id]`, the sort value of the sort field's type and the id a UUID. */
function decodeCursor(cursor: string, type: SortValueType): [unknown, string] {
  try {
    const decoded: unknown = BSON.EJSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'), {
      relaxed: false,
    });
    if (
      Array.isArray(decoded) &&
      decoded.length === 2 &&
      isSortValue(decoded[0], type) &&
      typeof decoded[1] === 'string' &&
      UUID.test(decoded[1])
    ) {
      return [decoded[0], decoded[1]];
    }
  } catch {
    // fall through to the input error
  }
  throw badUserInput('after', 'is not a cursor returned by this connection');
}

/**
 * Keyset pagination over (sort field, id): stable under inserts, and each page costs one indexed query
 * (plus one count when `totalCount` is selected).
 */
export async function paginate<T extends Document>(
  collection: Collection<T>,
  filter: Filter<T>,
  args: PageArgs,
  sort: SortSpec,
  paging: PagingConfig,
  /** Only these stored fields (the sort field and `id` are always read, for the cursors); whole documents by default */
  projection: Document | null = null,
): Promise<Connection<WithId<T>>> {
  const size = args.first ?? paging.defaultSize;
  if (!Number.isInteger(size) || size < 0 || size > paging.maxSize) {
    throw badUserInput('first', `must be an integer between 0 and ${paging.maxSize}`);
  }
  const { field, direction, type = 'date' } = sort;
  const clauses: Document[] = [filter];
  if (args.after) {
    const [value, id] = decodeCursor(args.after, type);
    const op = direction === -1 ? '$lt' : '$gt';
    clauses.push({ $or: [{ [field]: { [op]: value } }, { [field]: value, id: { [op]: id } }] });
  }
  const query = (clauses.length === 1 ? filter : { $and: clauses }) as Filter<T>;
  const docs = await collection
    .find(query, { projection: projection ? { ...projection, _id: 0, [field]: 1, id: 1 } : { _id: 0 } })
    .sort({ [field]: direction, id: direction })
    .limit(size + 1)
    .toArray();
  const page = docs.slice(0, size);
  const edges = page.map((node) => ({
    node: node as WithId<T>,
    cursor: encodeCursor((node as Document)[field], String((node as Document).id)),
  }));
  return {
    edges,
    pageInfo: {
      hasNextPage: docs.length > size,
      hasPreviousPage: Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: () => collection.countDocuments(filter),
  };
}

/**
 * The equality part of a list's filter: each input key that is given (not null, undefined or empty) must equal
 * the document field it maps to (`{ isActive: 'is_active' }`; an array field matches when it holds the value).
 * A store adds its other conditions (ranges, prefixes, sets) to the result.
 */
export function equalityFilter<T extends Document, I extends object>(
  input: I,
  fields: { [K in keyof I]?: keyof T & string },
): Filter<T> {
  const filter: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(fields) as [keyof I, string][]) {
    const value = input[key];
    if (value !== undefined && value !== null && value !== '') filter[field] = value;
  }
  return filter as Filter<T>;
}
