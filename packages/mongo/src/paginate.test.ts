import { randomUUID } from 'node:crypto';
import { BSON, MongoClient } from 'mongodb';
import type { Collection, CommandStartedEvent, Db } from 'mongodb';
import { readProcessEnv } from '@casino/config';
import { equalityFilter, paginate } from './paginate';
import type { SortSpec, SortValueType } from './paginate';

const encode = (value: unknown) =>
  Buffer.from(BSON.EJSON.stringify(value, { relaxed: false })).toString('base64url');
const ID = '5d0e6f8a-1b2c-4d3e-8f40-a1b2c3d4e5f6';
const PAGING = { defaultSize: 2, maxSize: 10 };

/** A value of each sort type, as documents hold it */
const samples: Record<SortValueType, (n: number) => unknown> = {
  date: (n) => new Date(Date.UTC(2025, 0, n)),
  string: (n) => `code-${n}`,
  number: (n) => n * 1.5,
  decimal: (n) => BSON.Decimal128.fromString(`${n}.25`),
};
const types = Object.keys(samples) as SortValueType[];

describe('paginate cursors', () => {
  let client: MongoClient;
  let db: Db;
  let finds = 0;
  beforeAll(async () => {
    client = await MongoClient.connect(readProcessEnv().MONGODB_URI!, { monitorCommands: true });
    client.on('commandStarted', (event: CommandStartedEvent) => {
      if (event.commandName === 'find') finds++;
    });
    db = client.db(`paginate_${randomUUID().slice(0, 8)}`);
    for (const type of types) {
      await db
        .collection(type)
        .insertMany([1, 2, 3].map((n) => ({ id: randomUUID(), value: samples[type](n) })));
    }
  });
  afterAll(async () => {
    await db.dropDatabase();
    await client.close();
  });

  const sortOf = (type: SortValueType): SortSpec => ({ field: 'value', direction: 1, type });
  const page = (type: SortValueType, after?: string) =>
    paginate(db.collection(type) as Collection, {}, { first: 2, after }, sortOf(type), PAGING);

  it.each(types)('round-trips its own cursors over a %s sort field', async (type) => {
    const first = await page(type);
    expect(first.edges).toHaveLength(2);
    const second = await page(type, first.pageInfo.endCursor!);
    expect(second.edges).toHaveLength(1);
    expect(second.edges[0]!.node.value).toEqual(samples[type](3));
  });

  it.each(types)(
    'refuses a cursor whose sort value is of another type than %s, without a query',
    async (type) => {
      for (const other of types.filter((t) => t !== type)) {
        const before = finds;
        await expect(page(type, encode([samples[other](1), ID]))).rejects.toMatchObject({
          extensions: { code: 'BAD_USER_INPUT', field: 'after' },
        });
        expect(finds).toBe(before);
      }
    },
  );

  it.each([
    ['an operator', encode([{ $ne: null }, ID])],
    ['an id that is not a UUID', encode([samples.number(1), 'zzzz'])],
    ['an infinite number', encode([Number.POSITIVE_INFINITY, ID])],
    ['NaN', encode([Number.NaN, ID])],
  ])('refuses %s on a number sort field', async (_, after) => {
    await expect(page('number', after)).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'after' },
    });
  });

  it('refuses an invalid date', async () => {
    const invalid = Buffer.from('[{"$date":{"$numberLong":"99999999999999999999"}},"' + ID + '"]').toString(
      'base64url',
    );
    await expect(page('date', invalid)).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'after' },
    });
  });
});

describe('equalityFilter', () => {
  it('matches each given input key on its field, keeping false and leaving out null, undefined and empty', () => {
    const input = { category: 'dining', isActive: false, tier: null, name: '', owner: undefined };
    const fields = {
      category: 'category',
      isActive: 'is_active',
      tier: 'tier_access',
      name: 'name',
      owner: 'owner_id',
    } as const;
    expect(equalityFilter(input, fields)).toEqual({ category: 'dining', is_active: false });
    expect(equalityFilter({ isActive: true }, { isActive: 'is_active' })).toEqual({ is_active: true });
    expect(equalityFilter({}, {})).toEqual({});
  });
});
