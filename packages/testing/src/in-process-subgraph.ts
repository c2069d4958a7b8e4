import type { BaseContext } from '@apollo/server';
import type { DocumentNode, FormattedExecutionResult } from 'graphql';
import type { Db } from 'mongodb';
import { createRequestAudit } from '@casino/audit';
import type { AuditEvent } from '@casino/audit';
import type { Identity, ServiceClient } from '@casino/auth';
import type { SubgraphEnv } from '@casino/config';
import { stringInputLimitsOf } from '@casino/config';
import type { Logger } from '@casino/logger';
import {
  createProtector,
  createServiceClients,
  createSubgraphApollo,
  createSubgraphServices,
  serviceAudit,
} from '@casino/server';
import type { RequestBase, ServiceName, SubgraphDefinition, SubgraphDeps } from '@casino/server';
import type { FieldProtector } from '@casino/crypto';

/** A subgraph's Apollo Server (shield, audit middleware, resolvers) with its services, run without HTTP. */
export interface InProcessSubgraph {
  /** The subgraph's field protector (when it holds personal data). */
  protector: FieldProtector | undefined;
  /** Runs one operation as `identity`; the audit events it records go to `onAudit` (dropped without it). */
  execute(
    query: string | DocumentNode,
    variables: Record<string, unknown> | undefined,
    identity: Identity,
    options?: {
      ip?: string | null;
      clientName?: string | null;
      requestId?: string;
      onAudit?: (event: AuditEvent) => void;
    },
  ): Promise<FormattedExecutionResult>;
  /** Runs one operation as `identity` and returns its data; any error in the result is thrown. */
  data<T>(
    query: string | DocumentNode,
    variables: Record<string, unknown> | undefined,
    identity: Identity,
  ): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Builds a subgraph as its process does (services once, from the environment's paging, service clients and data
 * keys) and serves operations through its Apollo Server in this process: what the test harness and the
 * subgraphs' benches both run.
 */
export async function startInProcessSubgraph<C extends BaseContext & RequestBase, S>(
  definition: SubgraphDefinition<C, S>,
  deps: {
    db: Db;
    env: SubgraphEnv;
    logger: Logger;
    /** Clients for the other subgraphs it calls, instead of those the environment names */
    services?: Partial<Record<ServiceName, ServiceClient>>;
    /** Redis for the state replicas share (the dashboard cache, one-time ids), as REDIS_URL gives a process */
    redis?: SubgraphDeps['redis'];
    /** Where the audit events of its background work go (the service's own changes; dropped without it) */
    onAudit?: (event: AuditEvent) => void;
  },
): Promise<InProcessSubgraph> {
  const { db, env, logger } = deps;
  const protector = createProtector(definition, env);
  const apollo = createSubgraphApollo<C>({ ...definition, logger, inputLimits: stringInputLimitsOf(env) });
  await apollo.start();
  const services = createSubgraphServices(definition, {
    db,
    env,
    logger,
    paging: { defaultSize: env.DEFAULT_PAGE_SIZE, maxSize: env.MAX_PAGE_SIZE },
    services: { ...createServiceClients(definition.name, env), ...deps.services },
    protector,
    redis: deps.redis,
    audit: serviceAudit(definition.name, (event) => deps.onAudit?.(event)),
  });
  const subgraph: InProcessSubgraph = {
    protector,
    async execute(query, variables, identity, options = {}) {
      const request = {
        requestId: options.requestId ?? 'in-process',
        clientName: options.clientName ?? null,
        ip: options.ip ?? null,
        identity,
      };
      const audit = createRequestAudit({ ...request, service: definition.name }, (event) =>
        options.onAudit?.(event),
      );
      const response = await apollo.executeOperation(
        { query, variables },
        { contextValue: definition.createContext({ ...request, log: logger, audit }, services) },
      );
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      return response.body.singleResult;
    },
    async data<T>(
      query: string | DocumentNode,
      variables: Record<string, unknown> | undefined,
      identity: Identity,
    ) {
      const result = await subgraph.execute(query, variables, identity);
      if (result.errors || !result.data)
        throw new Error(`operation failed: ${JSON.stringify(result.errors)}`);
      return result.data as T;
    },
    stop: () => apollo.stop(),
  };
  return subgraph;
}
