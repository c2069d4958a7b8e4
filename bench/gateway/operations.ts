/**
 * The operations the gateway benchmark measures: what the floor app and the dashboards send most, from one
 * small query on one subgraph to a page of members that every subgraph contributes to.
 */
export interface BenchOperation {
  name: string;
  description: string;
  query: string;
  operationName: string;
  variables: Record<string, unknown>;
}

/** The floor app's signed-in user (clients/floor-app/operations/current-supervisor.graphql). */
const CURRENT_USER = /* GraphQL */ `
  query FloorCurrentSupervisor {
    me {
      id
      username
      role
      department
    }
  }
`;

/** A page of members with what each subgraph knows about them: loyalty, gaming, marketing, compliance. */
const MEMBERS_360 = /* GraphQL */ `
  query Members360($first: Int!) {
    members(first: $first) {
      totalCount
      edges {
        node {
          id
          memberNumber
          firstName
          lastName
          tier
          pointsBalance
          tierCredits
          isActive
          lastVisit
          gamingSessions(first: 5) {
            id
            gameTypeCode
            sessionStart
            sessionEnd
            buyInAmount
            cashOutAmount
            theo
            status
          }
          playStats {
            sessionCount
            totalBuyIn
            totalCashOut
            netResult
            totalTheo
            averageBet
            lastSessionAt
          }
          analytics {
            visitFrequency
            avgSessionDuration
            avgSpendPerVisit
            favoriteGames
            riskScore
          }
          complianceStatus {
            kycVerified
            selfExcluded
            amlFlagged
            openViolations
            lastReportedAt
          }
        }
      }
    }
  }
`;

/** The gaming floor over a date range, with the top players' names from loyalty. */
const GAMING_DASHBOARD = /* GraphQL */ `
  query GamingDashboard($range: DateRangeInput!) {
    gamingDashboard(range: $range) {
      from
      to
      totals {
        sessionCount
        completedSessionCount
        totalBuyIn
        totalCashOut
        houseNetWin
        theo
        actualToTheo
      }
      byGameType {
        gameTypeCode
        performance {
          sessionCount
          houseNetWin
          theo
          actualToTheo
        }
      }
      byDay {
        day
        performance {
          sessionCount
          houseNetWin
          theo
        }
      }
      openSessions
      topPlayers {
        member {
          id
          memberNumber
          firstName
          lastName
          tier
        }
        theo
        sessionCount
      }
    }
  }
`;

const DAY_MS = 86_400_000;

/** Every named operation; `now` fixes the dashboard's range (the seed's reference instant). */
export function benchOperations(now: Date): BenchOperation[] {
  const to = new Date(now.getTime() + DAY_MS);
  const from = new Date(to.getTime() - 30 * DAY_MS);
  return [
    {
      name: 'me',
      description: 'the signed-in user (compliance only)',
      query: CURRENT_USER,
      operationName: 'FloorCurrentSupervisor',
      variables: {},
    },
    {
      name: 'members-20',
      description: '20 members with sessions, play stats, analytics and compliance status',
      query: MEMBERS_360,
      operationName: 'Members360',
      variables: { first: 20 },
    },
    {
      name: 'members-100',
      description: 'the same for 100 members',
      query: MEMBERS_360,
      operationName: 'Members360',
      variables: { first: 100 },
    },
    {
      name: 'dashboard-30d',
      description: 'gamingDashboard over 30 days, top players named by loyalty',
      query: GAMING_DASHBOARD,
      operationName: 'GamingDashboard',
      variables: { range: { from: from.toISOString(), to: to.toISOString() } },
    },
  ];
}
