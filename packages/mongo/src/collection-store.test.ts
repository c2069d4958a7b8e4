import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import type { Db } from 'mongodb';
import { readProcessEnv } from '@casino/config';
import { CollectionStore } from './collection-store';
import type { PageArgs } from './paginate';

interface Thing {
  id: string;
  kind: string;
  code: string;
  created_at: Date;
}

const THING_FILTER_FIELDS = { kind: 'kind' } as const;

class ThingStore extends CollectionStore<Thing> {
  constructor(db: Db) {
    super(db, 'things');
  }

  async insert(thing: Thing): Promise<void> {
    await this.collection.insertOne({ ...thing });
  }

  page(input: { kind?: string | null }, args: PageArgs) {
    return this.filteredPage(input, THING_FILTER_FIELDS, args, { defaultSize: 10, maxSize: 10 });
  }

  byCode(args: PageArgs) {
    return this.pageWhere(
      { code: { $gte: 'b' } },
      args,
      { defaultSize: 10, maxSize: 10 },
      {
        field: 'code',
        direction: 1,
        type: 'string',
      },
    );
  }
}

describe('CollectionStore', () => {
  let client: MongoClient;
  let db: Db;
  let store: ThingStore;
  const things: Thing[] = ['a', 'b', 'c'].map((code, n) => ({
    id: randomUUID(),
    kind: n === 1 ? 'odd' : 'even',
    code,
    created_at: new Date(Date.UTC(2025, 0, n + 1)),
  }));

  beforeAll(async () => {
    client = await MongoClient.connect(readProcessEnv().MONGODB_URI!);
    db = client.db(`collection_store_${randomUUID().slice(0, 8)}`);
    store = new ThingStore(db);
    for (const thing of things) await store.insert(thing);
  });
  afterAll(async () => {
    await db.dropDatabase();
    await client.close();
  });

  it('finds a document by id without the driver _id, and null for an unknown id', async () => {
    expect(await store.findById(things[1]!.id)).toEqual(things[1]);
    expect(await store.findById(randomUUID())).toBeNull();
  });

  it('loads documents by id in key order, null for a missing one', async () => {
    const loader = store.byIdLoader();
    const missing = randomUUID();
    expect(await loader.loadMany([things[2]!.id, missing, things[0]!.id])).toEqual([
      things[2],
      null,
      things[0],
    ]);
  });

  it('pages a list by its equality table, newest first, ignoring keys not given', async () => {
    const all = await store.page({ kind: null }, {});
    expect(all.edges.map((edge) => edge.node.code)).toEqual(['c', 'b', 'a']);
    const even = await store.page({ kind: 'even' }, {});
    expect(even.edges.map((edge) => edge.node.code)).toEqual(['c', 'a']);
    expect(await even.totalCount()).toBe(2);
  });

  it('pages a filter of its own in the order the store names', async () => {
    const first = await store.byCode({ first: 1 });
    expect(first.edges.map((edge) => edge.node.code)).toEqual(['b']);
    const next = await store.byCode({ first: 1, after: first.pageInfo.endCursor });
    expect(next.edges.map((edge) => edge.node.code)).toEqual(['c']);
    expect(next.pageInfo.hasNextPage).toBe(false);
  });
});
