/** The whole complianceDashboard as a back-office client asks for it (its tests and its bench run it). */
export const COMPLIANCE_DASHBOARD = /* GraphQL */ `
  query ComplianceDashboard($range: DateRangeInput!) {
    complianceDashboard(range: $range) {
      from
      to
      memberCount
      kycVerifiedCount
      kycRate
      selfExcludedCount
      ctrCount
      mtlCount
      openViolations {
        severity
        count
      }
      reportsByStatus {
        status
        count
      }
      policiesDueForReview
      policyReviewWindowDays
    }
  }
`;
