import { buildSchema, execute, parse } from 'graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { projectionOf, selectedFieldNames } from './projection';

const schema = buildSchema(/* GraphQL */ `
  type Query {
    members: MemberConnection
  }
  type MemberConnection {
    totalCount: Int
    edges: [MemberEdge]
  }
  type MemberEdge {
    cursor: String
    node: Member
  }
  type Member {
    id: ID
    firstName: String
    tier: String
    tierProgress: Int
    nicPassport: String
  }
`);

/** The info `members` resolves with, for an operation. */
async function infoOf(source: string): Promise<GraphQLResolveInfo> {
  let seen: GraphQLResolveInfo | undefined;
  await execute({
    schema,
    document: parse(source),
    rootValue: {
      members: (_args: unknown, _ctx: unknown, info: GraphQLResolveInfo) => {
        seen = info;
        return null;
      },
    },
  });
  return seen!;
}

const sources = {
  resolved: { tierProgress: ['tier', 'tier_credits'] },
  resolverFields: ['__resolveReference', 'tierProgress', 'nicPassport'],
};

describe('selectedFieldNames', () => {
  it('names the fields at a path, through fragments and inline fragments', async () => {
    const info = await infoOf(/* GraphQL */ `
      query {
        members {
          totalCount
          edges {
            node {
              id
              ...Names
              ... on Member {
                tier
              }
            }
          }
          edges {
            node {
              __typename
            }
          }
        }
      }
      fragment Names on Member {
        firstName
      }
    `);
    expect(selectedFieldNames(info)).toEqual(new Set(['totalCount', 'edges']));
    expect(selectedFieldNames(info, ['edges', 'node'])).toEqual(
      new Set(['id', 'firstName', 'tier', '__typename']),
    );
    expect(selectedFieldNames(info, ['edges', 'cursor'])).toBeNull();
  });
});

describe('projectionOf', () => {
  it('reads default-resolved fields by both names and resolved fields by what they say they read', () => {
    expect(projectionOf(new Set(['id', 'firstName', 'tierProgress', '__typename']), sources)).toEqual({
      id: 1,
      firstName: 1,
      first_name: 1,
      tier: 1,
      tier_credits: 1,
    });
  });

  it('fetches whole documents for a resolver it knows nothing of, or an unknown selection', () => {
    expect(projectionOf(new Set(['id', 'nicPassport']), sources)).toBeNull();
    expect(projectionOf(null, sources)).toBeNull();
  });
});
