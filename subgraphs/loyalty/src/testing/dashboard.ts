/** loyaltyDashboard's programme figures: members, points and rewards. */
export const LOYALTY_POINTS_FIGURES = /* GraphQL */ `
  fragment PointsFigures on LoyaltyDashboard {
    membersByTier {
      tier
      count
    }
    newMembers
    activeMembers
    pointsIssued
    pointsRedeemed
    pointsExpired
    pointsAdjusted
    outstandingPoints
    topRewards {
      reward {
        id
        name
      }
      redemptions
      pointsSpent
    }
  }
`;

/** loyaltyDashboard's comp figures: comps and comp balances, and the reinvestment of theo by tier. */
export const LOYALTY_COMP_FIGURES = /* GraphQL */ `
  fragment CompFigures on LoyaltyDashboard {
    compsIssued
    compsRedeemed
    compsVoided
    compsOutstanding
    compsPendingApproval
    compsPendingApprovalAmount
    compBalanceOutstanding
    compsAccrued
    reinvestmentByTier {
      tier
      theo
      comps
      ratio
    }
  }
`;

/** Every figure of loyaltyDashboard over a range, as the loyalty and embedded-store benchmarks ask for it. */
export const LOYALTY_DASHBOARD = /* GraphQL */ `
  query LoyaltyDashboard($range: DateRangeInput!) {
    loyaltyDashboard(range: $range) {
      from
      to
      ...PointsFigures
      ...CompFigures
    }
  }
  ${LOYALTY_POINTS_FIGURES}
  ${LOYALTY_COMP_FIGURES}
`;
