import { subgraphCodegen } from '@casino/graphql/codegen-preset';

export default subgraphCodegen({
  dir: __dirname,
  contextType: '../context#ComplianceContext',
  mappers: {
    AdminUser: '../admins/admin-user-store#AdminUserDocument',
    AuditLog: '../audit/audit-log-store#AuditLogDocument',
    ComplianceReport: '../reports/compliance-report-store#ComplianceReportDocument',
    ComplianceFinding: '../reports/findings#ComplianceFindingView',
    DataRetentionPolicy: '../retention/retention-policy-store#DataRetentionPolicyDocument',
    StaffMember: '../admins/admin-user-store#StaffMemberReference',
    Member: '../members/member-compliance#MemberReference',
    AdminUserConnection: '@casino/mongo#Connection',
    AuditLogConnection: '@casino/mongo#Connection',
    ComplianceReportConnection: '@casino/mongo#Connection',
    DataRetentionPolicyConnection: '@casino/mongo#Connection',
    LoginPayload: '../auth/auth-service#LoginResult',
    ComplianceDashboard: '../dashboard/dashboard-service#ComplianceDashboardResult',
    TwoFactorEnrollment: '../auth/two-factor-service#TwoFactorEnrollmentResult',
    ErasureRequest: '../erasure/erasure-store#ErasureRequestDocument',
    ErasureRequestConnection: '@casino/mongo#Connection',
    KeyRotationRun: '../key-rotation/key-rotation-store#KeyRotationRunDocument',
    KeyRotationField: '../key-rotation/key-rotation-store#KeyRotationFieldProgress',
    KeyRotationRunConnection: '@casino/mongo#Connection',
    RetentionRun: '../retention/retention-run-store#RetentionRunDocument',
    LegalHold: '../retention/legal-hold-store#LegalHoldDocument',
  },
});
