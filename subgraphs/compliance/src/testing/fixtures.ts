import { randomUUID } from 'node:crypto';
import { Collection } from 'mongodb';
import type { AdminIdentity, Identity } from '@casino/auth';
import { testIdentity } from '@casino/testing';
import type { AdminUserDocument } from '../admins/admin-user-store';
import type { AuditLogDocument } from '../audit/audit-log-store';
import type { ComplianceReportDocument } from '../reports/compliance-report-store';
import type { DataRetentionPolicyDocument } from '../retention/retention-policy-store';

/** Builders of stored documents for tests; each call gets fresh ids and unique keys. */
export function adminDoc(overrides: Partial<AdminUserDocument> = {}): AdminUserDocument {
  const id = overrides.id ?? randomUUID();
  return {
    id,
    username: `admin-${id.slice(0, 8)}`,
    email: `admin-${id.slice(0, 8)}@casino.example`,
    password_hash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo',
    full_name: 'Test Admin',
    role: 'Manager',
    department: 'Gaming',
    is_active: true,
    created_at: new Date('2026-01-01T00:00:00.000Z'),
    last_login: null,
    permissions: [],
    two_factor_enabled: false,
    staff_member_id: null,
    ...overrides,
  };
}

export function auditLogDoc(overrides: Partial<AuditLogDocument> = {}): AuditLogDocument {
  return {
    id: randomUUID(),
    timestamp: new Date('2026-03-01T10:00:00.000Z'),
    admin_user_id: null,
    role: null,
    action: 'updateMember',
    target_type: 'Member',
    target_id: randomUUID(),
    changes: { before: { phone: '[REDACTED]' }, after: { phone: '[REDACTED]' } },
    request_id: randomUUID(),
    client_name: 'casino-admin-web',
    ip: '10.20.0.1',
    outcome: 'allowed',
    ...overrides,
  };
}

export function reportDoc(overrides: Partial<ComplianceReportDocument> = {}): ComplianceReportDocument {
  return {
    id: randomUUID(),
    report_type: 'aml_report',
    report_period_start: new Date('2026-01-01T00:00:00.000Z'),
    report_period_end: new Date('2026-02-01T00:00:00.000Z'),
    generated_by: randomUUID(),
    status: 'draft',
    summary: { transactionsReviewed: 100 },
    violations: [],
    recommendations: [],
    file_path: null,
    submitted_to: null,
    submission_date: null,
    compliance_score: 90,
    created_at: new Date('2026-02-02T00:00:00.000Z'),
    updated_at: new Date('2026-02-02T00:00:00.000Z'),
    ...overrides,
  };
}

export function policyDoc(overrides: Partial<DataRetentionPolicyDocument> = {}): DataRetentionPolicyDocument {
  return {
    id: randomUUID(),
    policy_name: 'Gaming session logs',
    data_category: 'gaming_logs',
    retention_period_days: 1825,
    archive_after_days: 180,
    auto_delete: true,
    encryption_required: true,
    backup_required: true,
    legal_basis: 'PDPA 2022: legal obligation',
    exceptions: [],
    status: 'active',
    created_by: randomUUID(),
    approved_by: null,
    approval_date: null,
    next_review_date: new Date('2027-01-01T00:00:00.000Z'),
    created_at: new Date('2026-01-01T00:00:00.000Z'),
    updated_at: new Date('2026-01-01T00:00:00.000Z'),
    ...overrides,
  };
}

/**
 * Counts the MongoDB reads (find and aggregate) per collection while `run` executes, to prove that a relation
 * costs one command per batch. The spies call through to the driver.
 */
export async function countReads(run: () => Promise<unknown>): Promise<Record<string, number>> {
  const find = jest.spyOn(Collection.prototype, 'find');
  const aggregate = jest.spyOn(Collection.prototype, 'aggregate');
  try {
    await run();
    const counts: Record<string, number> = {};
    for (const [kind, spy] of [
      ['find', find],
      ['aggregate', aggregate],
    ] as const) {
      for (const context of spy.mock.contexts as Collection[]) {
        const key = `${context.collectionName}.${kind}`;
        counts[key] = (counts[key] ?? 0) + 1;
      }
    }
    return counts;
  } finally {
    find.mockRestore();
    aggregate.mockRestore();
  }
}

const admin = (
  suffix: string,
  username: string,
  role: AdminIdentity['role'],
  department: string | null,
  permissions: string[] = [],
): AdminIdentity =>
  testIdentity(role, {
    userId: `00000000-0000-4000-8000-0000000000${suffix}`,
    username,
    department,
    permissions,
  });

/** Identities of the role matrix; their user ids are fixed so tests can store the matching accounts. */
export const IDENTITIES = {
  // the same as the harness's default identity
  superAdmin: admin('aa', 'test-superadmin', 'SuperAdmin', null),
  generalAdmin: admin('bb', 'test-generaladmin', 'GeneralAdmin', null),
  gamingManager: admin('cc', 'test-gaming-manager', 'Manager', 'Gaming'),
  gamingSupervisor: admin('dd', 'test-gaming-supervisor', 'Supervisor', 'Gaming'),
  fbManager: admin('ee', 'test-fb-manager', 'Manager', 'F&B'),
  anonymous: { kind: 'anonymous' } as Identity,
  loyaltyService: { kind: 'service', service: 'loyalty' } as Identity,
};

/** The stored account behind an admin identity of the matrix. */
export function accountOf(
  identity: AdminIdentity,
  overrides: Partial<AdminUserDocument> = {},
): AdminUserDocument {
  return adminDoc({
    id: identity.userId,
    username: identity.username,
    email: `${identity.username}@casino.example`,
    role: identity.role,
    department: identity.department,
    permissions: [...identity.permissions],
    ...overrides,
  });
}

/** The error code of the first error, or null when there was none. */
export const errorCode = (result: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  (result.errors?.[0]?.extensions?.code as string | undefined) ?? null;
