import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import { memberDocument } from '@casino/loyalty/testing';
import { developmentSigner, ServiceClient } from '@casino/auth';
import type { FieldProtector } from '@casino/crypto';
import { gamingSubgraph } from '@casino/gaming';
import { loyaltySubgraph } from '@casino/loyalty';
import { marketingSubgraph } from '@casino/marketing';
import type { AnySubgraphDefinition, RunningSubgraph } from '@casino/server';
import { startServedSubgraph } from '@casino/testing';

/** A real other subgraph on a free port with its own database, called as the compliance service. */
export interface ErasureUpstream {
  running: RunningSubgraph;
  db: Db;
  protector: FieldProtector | undefined;
  client: ServiceClient;
  stop(): Promise<void>;
}

async function startUpstream(definition: AnySubgraphDefinition): Promise<ErasureUpstream> {
  const served = await startServedSubgraph(definition);
  return {
    running: served.running,
    db: served.db,
    protector: served.protector,
    client: served.clientAs('compliance'),
    stop: served.stop,
  };
}

/** Loyalty, marketing and gaming, each real, for compliance's erasure tests. */
export async function startErasureUpstreams() {
  const [loyalty, marketing, gaming] = await Promise.all([
    startUpstream(loyaltySubgraph),
    startUpstream(marketingSubgraph),
    startUpstream(gamingSubgraph),
  ]);
  return {
    loyalty,
    marketing,
    gaming,
    async stop() {
      await Promise.all([loyalty.stop(), marketing.stop(), gaming.stop()]);
    },
  };
}

/**
 * A client that forwards to a real subgraph, or (after `cut()`) to an address nothing answers on: the
 * subgraph is down as far as the caller can tell, until `restore()`.
 */
export function switchableClient(target: ServiceClient): {
  client: ServiceClient;
  cut(): void;
  restore(): void;
} {
  const down = new ServiceClient({
    url: 'http://127.0.0.1:9/graphql',
    target: 'gaming',
    signer: developmentSigner('compliance'),
    timeoutMs: 500,
  });
  let current = target;
  const client = {
    get url() {
      return current.url;
    },
    request: (document: never, variables: never) => current.request(document, variables),
  } as unknown as ServiceClient;
  return {
    client,
    cut: () => {
      current = down;
    },
    restore: () => {
      current = target;
    },
  };
}

/** What a member's personal data looked like before the erasure, to search for afterwards. */
export interface TestPerson {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  nic: string;
}

/** Stores a member the way loyalty stores them (identity document sealed, with its blind index). */
export async function insertLoyaltyMember(upstream: ErasureUpstream): Promise<TestPerson> {
  const id = randomUUID();
  const tag = id.slice(0, 8);
  const person = {
    id,
    firstName: `Ruwani${tag}`,
    lastName: `Fernando${tag}`,
    email: `ruwani.${tag}@example.com`,
    phone: `+94 77 ${tag.slice(0, 3)} ${tag.slice(3, 7)}`.replace(/[a-f]/g, '5'),
    nic: `NIC${tag}`.toUpperCase(),
  };
  await upstream.db.collection('members').insertOne(
    memberDocument(
      {
        id,
        first_name: person.firstName,
        last_name: person.lastName,
        email: person.email,
        phone: person.phone,
        date_of_birth: new Date('1985-06-15T00:00:00Z'),
        marketing_consent: true,
        preferences: { language: 'si' },
      },
      upstream.protector,
      person.nic,
    ),
  );
  return person;
}
