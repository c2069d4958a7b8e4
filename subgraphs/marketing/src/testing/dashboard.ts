/** The whole marketingDashboard as a back-office client asks for it (its tests and its bench run it). */
export const MARKETING_DASHBOARD = /* GraphQL */ `
  query MarketingDashboard($range: DateRangeInput!) {
    marketingDashboard(range: $range) {
      from
      to
      campaigns {
        total
        byStatus {
          status
          count
          budget
        }
        totalBudget
        estimatedReach
        actualReach
        reachVsEstimate
        averageConversionRate
      }
      walkIns {
        visits
        converted
        conversionRate
        totalSpend
      }
      notifications {
        total
        byStatus {
          status
          count
        }
        deliveryRate
        readRate
        byChannel {
          channel
          delivered
          failed
          deliveryRate
        }
      }
    }
  }
`;
