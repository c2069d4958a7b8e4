import { Writable } from 'node:stream';
import type { CommandStartedEvent } from 'mongodb';
import { SUBGRAPH_NAMES } from '../scripts/stack';
import { IDENTITIES, startTestStack } from './support/stack-harness';
import type { TestStack } from './support/stack-harness';

const SEEDED_MEMBERS = 120;
const AS_ADMIN = { as: IDENTITIES.SuperAdmin };

describe('the supergraph through the gateway', () => {
  let stack: TestStack;
  const logLines: string[] = [];

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    stack = await startTestStack({
      seedMembers: SEEDED_MEMBERS,
      monitorCommands: true,
      logDestination: destination,
      // background work (credit and notification dispatchers, scheduled jobs) stays out of the command counts
      env: {
        GAMING_CREDIT_DISPATCH_INTERVAL_MS: '3600000',
        NOTIFICATION_DISPATCH_INTERVAL_MS: '3600000',
        LOYALTY_JOBS_INTERVAL_MS: '0',
        ANALYTICS_INTERVAL_MS: '0',
        RETENTION_RUN_INTERVAL_MINUTES: '0',
      },
    });
  }, 180_000);
  afterAll(() => stack?.stop());

  it('answers /health and /ready on every service', async () => {
    const services = [stack.gateway, ...SUBGRAPH_NAMES.map((n) => stack.subgraphs[n])];
    for (const service of services) {
      const health = await fetch(new URL('/health', service.url));
      const ready = await fetch(new URL('/ready', service.url));
      expect([service.name, health.status, ready.status]).toEqual([service.name, 200, 200]);
      expect(await ready.json()).toMatchObject({ status: 'ready' });
    }
  });

  it('serves Apollo Sandbox at / outside production', async () => {
    const response = await fetch(new URL('/', stack.gateway.url), { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('embeddable-sandbox');
  });

  it('pages members with cursors and counts them', async () => {
    const PAGE = /* GraphQL */ `
      query Page($after: String) {
        members(first: 50, after: $after) {
          totalCount
          edges {
            cursor
            node {
              id
              memberNumber
            }
          }
          pageInfo {
            hasNextPage
            endCursor
          }
        }
      }
    `;
    const seen = new Set<string>();
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const result: Awaited<ReturnType<typeof stack.query<{ members: MembersPage }>>> = await stack.query<{
        members: MembersPage;
      }>(PAGE, { after }, AS_ADMIN);
      expect(result.errors).toBeUndefined();
      const page = result.data!.members;
      expect(page.totalCount).toBe(SEEDED_MEMBERS);
      for (const edge of page.edges) seen.add(edge.node.id);
      pages += 1;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(Math.ceil(SEEDED_MEMBERS / 50));
    expect(seen.size).toBe(SEEDED_MEMBERS);
  });

  it('answers one query that crosses all five subgraphs', async () => {
    const result = await stack.query<CrossQuery>(
      /* GraphQL */ `
        {
          members(first: 5, filter: { isActive: true }) {
            edges {
              node {
                id
                firstName
                tier
                gamingSessions(first: 2) {
                  id
                  gameType {
                    name
                  }
                  member {
                    id
                  }
                }
                playStats {
                  sessionCount
                  totalBuyIn
                }
                analytics {
                  riskScore
                  favoriteGames
                }
                complianceStatus {
                  kycVerified
                  selfExcluded
                  amlFlagged
                }
              }
            }
          }
          staffMembers(first: 50) {
            edges {
              node {
                id
                department
                manager {
                  id
                }
                adminAccount {
                  username
                  role
                }
              }
            }
          }
          marketingCampaigns(first: 3) {
            edges {
              node {
                id
                name
                createdBy {
                  id
                  username
                }
              }
            }
          }
        }
      `,
      {},
      AS_ADMIN,
    );
    expect(result.errors).toBeUndefined();
    const members = result.data!.members.edges.map((e) => e.node);
    expect(members).toHaveLength(5);
    for (const member of members) {
      expect(member.playStats.sessionCount).toBeGreaterThanOrEqual(member.gamingSessions.length);
      for (const session of member.gamingSessions) expect(session.member.id).toBe(member.id);
      expect(member.analytics).not.toBeNull();
      expect(typeof member.complianceStatus.amlFlagged).toBe('boolean');
    }
    const linked = result.data!.staffMembers.edges.filter((e) => e.node.adminAccount !== null);
    expect(linked.length).toBeGreaterThan(0);
    expect(linked[0]!.node.adminAccount!.username).toEqual(expect.any(String));
    const campaigns = result.data!.marketingCampaigns.edges.map((e) => e.node);
    expect(campaigns.length).toBeGreaterThan(0);
    for (const campaign of campaigns) {
      if (campaign.createdBy) expect(campaign.createdBy.username).toEqual(expect.any(String));
    }
  });

  it('costs the same number of MongoDB commands for 10 members as for 100', async () => {
    const QUERY = /* GraphQL */ `
      query Members($first: Int!) {
        members(first: $first) {
          edges {
            node {
              id
              lastName
              gamingSessions(first: 3) {
                id
                buyInAmount
                gameType {
                  name
                }
              }
              playStats {
                sessionCount
                totalTheo
              }
              analytics {
                riskScore
              }
              complianceStatus {
                amlFlagged
              }
            }
          }
        }
      }
    `;
    const count = async (first: number) => {
      const commands: string[] = [];
      // background work on timers, not the query's: the scheduler taking its jobs, draining the audit outbox,
      // and the gateway re-reading the list of ended sessions
      const background = new Set(['scheduler_jobs', 'audit_outbox', 'revoked_sessions']);
      const listener = (event: CommandStartedEvent) => {
        if (!background.has(String(event.command[event.commandName]))) {
          commands.push(`${event.databaseName}.${event.commandName}`);
        }
      };
      const clients = SUBGRAPH_NAMES.map((n) => stack.subgraphs[n].mongo.client);
      for (const client of clients) client.on('commandStarted', listener);
      try {
        const result = await stack.query<{ members: { edges: unknown[] } }>(QUERY, { first }, AS_ADMIN);
        expect(result.errors).toBeUndefined();
        expect(result.data!.members.edges).toHaveLength(first);
      } finally {
        for (const client of clients) client.off('commandStarted', listener);
      }
      return commands;
    };
    const ten = await count(10);
    const hundred = await count(100);
    process.stdout.write(
      `MongoDB commands for members(first: 100) with sessions, play stats, analytics, compliance: ${hundred.length} (${hundred.join(', ')})\n`,
    );
    expect(hundred.length).toBe(ten.length);
    expect(hundred.length).toBeLessThanOrEqual(8);
  });

  it('forwards the request id from the gateway to the subgraphs', async () => {
    const requestId = 'trace-abc-123';
    const result = await stack.query(
      `{ members(first: 1) { edges { node { id playStats { sessionCount } } } } }`,
      {},
      {
        ...AS_ADMIN,
        headers: { 'x-request-id': requestId, 'apollographql-client-name': 'floor-dashboard' },
      },
    );
    expect(result.errors).toBeUndefined();
    expect(result.headers.get('x-request-id')).toBe(requestId);
    const services = logLines
      .map((line) => JSON.parse(line) as { service: string; requestId?: string; msg: string })
      .filter((line) => line.requestId === requestId && line.msg === 'graphql request')
      .map((line) => line.service);
    expect(new Set(services)).toEqual(new Set(['gateway', 'loyalty', 'gaming']));
  });
});

interface MembersPage {
  totalCount: number;
  edges: { cursor: string; node: { id: string; memberNumber: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

interface CrossQuery {
  members: {
    edges: {
      node: {
        id: string;
        gamingSessions: { id: string; member: { id: string } }[];
        playStats: { sessionCount: number };
        analytics: { riskScore: number } | null;
        complianceStatus: { amlFlagged: boolean };
      };
    }[];
  };
  staffMembers: { edges: { node: { id: string; adminAccount: { username: string } | null } }[] };
  marketingCampaigns: { edges: { node: { id: string; createdBy: { username: string } | null } }[] };
}
