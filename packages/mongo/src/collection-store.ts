import type DataLoader from 'dataloader';
import type { Collection, Db, Document, Filter, WithId } from 'mongodb';
import { createOneByKeyLoader } from './loaders';
import { equalityFilter, paginate } from './paginate';
import type { Connection, PageArgs, PagingConfig, SortSpec } from './paginate';

/** The order most lists are read in: the latest created first. */
export const NEWEST_FIRST: SortSpec = { field: 'created_at', direction: -1 };

/**
 * What every store of a collection of documents keyed by `id` has: the collection (protected, so only the store
 * touches the driver), the lookups by id and its list pages. A store extends it and names its own methods after
 * what its callers need; its `page()` says which filter and order a list has.
 */
export abstract class CollectionStore<T extends Document & { id: string }> {
  protected readonly collection: Collection<T>;

  protected constructor(db: Db, name: string) {
    this.collection = db.collection<T>(name);
  }

  /** Documents by id, one `find` per batch; built per request, so one caller's cache never serves another. */
  byIdLoader(): DataLoader<string, T | null> {
    return createOneByKeyLoader(this.collection, 'id');
  }

  /** The document with this id, or null. */
  findById(id: string): Promise<T | null> {
    return this.collection.findOne({ id } as Filter<T>, { projection: { _id: 0 } }) as Promise<T | null>;
  }

  /** A page of the documents matching `filter` (keyset pagination, see paginate), newest first by default. */
  protected pageWhere(
    filter: Filter<T>,
    args: PageArgs,
    paging: PagingConfig,
    sort: SortSpec = NEWEST_FIRST,
    projection: Document | null = null,
  ): Promise<Connection<WithId<T>>> {
    return paginate(this.collection, filter, args, sort, paging, projection);
  }

  /**
   * A page of a list whose filter is equalities only: each input key that is given must equal the document
   * field `fields` maps it to (see equalityFilter); newest first by default.
   */
  protected filteredPage<I extends object>(
    input: I,
    fields: { [K in keyof I]?: keyof T & string },
    args: PageArgs,
    paging: PagingConfig,
    sort: SortSpec = NEWEST_FIRST,
  ): Promise<Connection<WithId<T>>> {
    return this.pageWhere(equalityFilter<T, I>(input, fields), args, paging, sort);
  }
}
