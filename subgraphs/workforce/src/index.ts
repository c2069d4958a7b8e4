import path from 'node:path';
import { gql } from 'graphql-tag';
import { subgraphSdl } from '@casino/graphql';
import type { SubgraphDefinition } from '@casino/server';
import { createWorkforceContext } from './context';
import type { WorkforceContext } from './context';
import { createWorkforceServices } from './services';
import type { WorkforceServices } from './services';
import { WORKFORCE_INDEXES } from './indexes';
import { rules } from './permissions';
import { resolvers } from './resolvers';
import { DEFAULT_WORKFORCE_SETTINGS } from './settings';
import type { WorkforceSettings } from './settings';

export const typeDefs = gql(subgraphSdl(path.join(__dirname, '../schema.graphql')));

/** The workforce subgraph with the given rules: staff, training courses and records, performance reviews. */
export function createWorkforceSubgraph(
  settings: WorkforceSettings = DEFAULT_WORKFORCE_SETTINGS,
): SubgraphDefinition<WorkforceContext, WorkforceServices> {
  return {
    name: 'workforce',
    defaultPort: 4003,
    defaultDatabase: 'casino_workforce',
    typeDefs,
    resolvers,
    rules,
    indexes: WORKFORCE_INDEXES,
    // staff_members.salary is encrypted at rest: the service refuses to start without the data keys
    holdsPersonalData: true,
    createServices: (deps) => createWorkforceServices(deps, settings),
    createContext: createWorkforceContext,
    privacy: (services) => services.privacy,
  };
}

/** The workforce subgraph with the default rules. */
export const workforceSubgraph: SubgraphDefinition<WorkforceContext, WorkforceServices> =
  createWorkforceSubgraph();

export { DEFAULT_WORKFORCE_SETTINGS, parseWorkforceSettings } from './settings';
export type { WorkforceSettings } from './settings';
export { seedWorkforce } from './seed';
export { STAFF_MEMBER_OF_ADMIN } from './staff/admin-staff-links';
export type { SeededStaffMember, WorkforceSeedResult } from './seed';
