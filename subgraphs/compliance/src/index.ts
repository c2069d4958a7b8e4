import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gql } from 'graphql-tag';
import type { SubgraphDefinition } from '@casino/server';
import { createComplianceContext } from './context';
import type { ComplianceContext } from './context';
import { COMPLIANCE_INDEXES } from './indexes';
import { resolvers } from './resolvers';

export const typeDefs = gql(readFileSync(path.join(__dirname, '../schema.graphql'), 'utf8'));

/** The compliance subgraph: admin users, audit logs, compliance reports and data retention policies. */
export const complianceSubgraph: SubgraphDefinition<ComplianceContext> = {
  name: 'compliance',
  defaultPort: 4005,
  defaultDatabase: 'casino_compliance',
  typeDefs,
  resolvers,
  indexes: COMPLIANCE_INDEXES,
  createContext: createComplianceContext,
};

export type { ComplianceContext } from './context';
export { COMPLIANCE_INDEXES } from './indexes';
export { hashPassword } from './admins/password';
export { demoAdmins, seedCompliance } from './seed';
export type { ComplianceSeedResult, ComplianceSeedOptions, SeedAdmin, SeedStaffMember } from './seed';
