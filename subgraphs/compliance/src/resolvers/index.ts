import { AUDIT_CHANGES_LIMITS } from '@casino/audit';
import { createJsonScalar, scalarResolvers } from '@casino/graphql';
import type { Resolvers } from '../__generated__/resolvers-types';
import { AdminUser } from './AdminUser';
import { AuditLog } from './AuditLog';
import { ComplianceFinding, ComplianceReport } from './ComplianceReport';
import { DataRetentionPolicy } from './DataRetentionPolicy';
import { KeyRotationRun } from '../key-rotation/KeyRotationRun';
import { Member } from './Member';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { StaffMember } from './StaffMember';
import { LegalHold, RetentionRun } from '../retention/resolvers';
import { ErasureRequest } from '../erasure/resolvers';
import { deadLetterMutation, deadLetterQuery } from './dead-letters';

export const resolvers: Resolvers = {
  ...scalarResolvers,
  AuditChanges: createJsonScalar(AUDIT_CHANGES_LIMITS, 'AuditChanges'),
  Query: { ...Query, ...deadLetterQuery },
  Mutation: { ...Mutation, ...deadLetterMutation },
  AdminUser,
  AuditLog,
  ComplianceReport,
  ComplianceFinding,
  DataRetentionPolicy,
  StaffMember,
  Member,
  KeyRotationRun,
  RetentionRun,
  LegalHold,
  ErasureRequest,
};
