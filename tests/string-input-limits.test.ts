import { loyaltySubgraph } from '@casino/loyalty';
import { workforceSubgraph } from '@casino/workforce';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

/**
 * Every string argument has a bound, checked over the whole operation before any resolver runs: names and
 * ids 100 characters, free text 2,000 (the settings' defaults, INPUT_MAX_NAME_LENGTH / INPUT_MAX_TEXT_LENGTH).
 */

const MEMBERS = /* GraphQL */ `
  query Members($filter: MemberFilter) {
    members(filter: $filter, first: 5) {
      totalCount
      edges {
        node {
          id
        }
      }
    }
  }
`;

const CREATE_COURSE = /* GraphQL */ `
  mutation Create($input: CreateTrainingCourseInput!) {
    createTrainingCourse(input: $input) {
      id
    }
  }
`;

type Result = Awaited<ReturnType<SubgraphHarness['execute']>>;
const only = (result: Result) => {
  expect(result.errors).toHaveLength(1);
  return result.errors![0]!;
};
/** A value recognisable in any message or log it leaked into. */
const filler = (length: number) => 'Q'.repeat(length);

describe('string arguments over their limit', () => {
  let loyalty: SubgraphHarness;
  let workforce: SubgraphHarness;

  beforeAll(async () => {
    [loyalty, workforce] = await Promise.all([
      startSubgraphHarness(loyaltySubgraph),
      startSubgraphHarness(workforceSubgraph),
    ]);
  });
  afterAll(() => Promise.all([loyalty.close(), workforce.close()]));

  it('refuses a 450,000-character lastNamePrefix with BAD_USER_INPUT on filter.lastNamePrefix, without a query', async () => {
    const started = process.hrtime.bigint();
    const result = await loyalty.execute(MEMBERS, { filter: { lastNamePrefix: filler(450_000) } });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const error = only(result);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.lastNamePrefix' });
    expect(error.message).toBe('filter.lastNamePrefix: must be at most 100 characters');
    expect(result.data ?? null).toBeNull();
    expect(result.commands).toEqual([]);
    // refused before it reaches MongoDB: a regular expression of this length took seconds there
    expect(ms).toBeLessThan(2_000);
  });

  it('applies the same bounds to inline literals as to variables', async () => {
    const literal = /* GraphQL */ `
      query { members(filter: { memberNumber: "${filler(2_001)}" }, first: 1) { totalCount } }
    `;
    const result = await loyalty.execute(literal);
    expect(only(result).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.memberNumber' });
    expect(only(result).message).toBe('filter.memberNumber: must be at most 2000 characters');
    expect(result.commands).toEqual([]);
  });

  it('accepts strings at the limit: a name of 100 characters, free text of 2,000', async () => {
    const result = await loyalty.execute(MEMBERS, {
      filter: { lastNamePrefix: filler(100), memberNumber: filler(2_000) },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ members: { totalCount: 0, edges: [] } });
  });

  it('walks lists and nested input objects: an over-long ID inside a list names its index, nothing is written', async () => {
    const result = await workforce.execute(CREATE_COURSE, {
      input: {
        courseName: 'Responsible Gaming Basics',
        category: 'compliance',
        difficultyLevel: 'beginner',
        durationHours: 2,
        prerequisites: ['7b0e1f5e-0000-4000-8000-000000000001', filler(101)],
      },
    });
    const error = only(result);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.prerequisites.1' });
    expect(error.message).not.toContain('QQQ');
    expect(result.commands).toEqual([]);
    expect(await workforce.db.collection('training_courses').countDocuments()).toBe(0);
  });

  it('checks every field of the operation before the first one runs: no mutation of the document is applied', async () => {
    const twoCourses = /* GraphQL */ `
      mutation Two($first: CreateTrainingCourseInput!, $second: CreateTrainingCourseInput!) {
        a: createTrainingCourse(input: $first) {
          id
        }
        b: createTrainingCourse(input: $second) {
          id
        }
      }
    `;
    const course = (courseName: string, description: string) => ({
      courseName,
      description,
      category: 'safety',
      difficultyLevel: 'beginner',
      durationHours: 1,
    });
    const result = await workforce.execute(twoCourses, {
      first: course('Fire Safety', 'Evacuation routes'),
      second: course('First Aid', filler(2_001)),
    });
    expect(only(result).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.description' });
    expect(result.commands).toEqual([]);
    expect(await workforce.db.collection('training_courses').countDocuments()).toBe(0);
  });

  it('checks arguments of fields inside fragments', async () => {
    const viaFragment = /* GraphQL */ `
      query { ...Page }
      fragment Page on Query { members(filter: { lastNamePrefix: "${filler(101)}" }) { totalCount } }
    `;
    const result = await loyalty.execute(viaFragment);
    expect(only(result).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.lastNamePrefix' });
    expect(result.commands).toEqual([]);
  });
});
