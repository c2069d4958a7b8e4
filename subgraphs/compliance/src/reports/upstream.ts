import type { GraphQLError } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { ServiceClient } from '@casino/auth';
import { serviceUnavailable } from '@casino/errors';
import type { Logger } from '@casino/logger';

/** A subgraph a report depends on could not answer: nothing was stored, the caller may retry. */
function upstreamUnavailable(service: string, cause?: unknown): GraphQLError {
  return serviceUnavailable(`${service} could not be reached for the compliance figures; try again shortly`, {
    cause,
    extensions: { service },
  });
}

/** Where a failed upstream call is logged. */
export type UpstreamLog = Pick<Logger, 'warn'>;

/** Calls another subgraph as the compliance service; any failure becomes SERVICE_UNAVAILABLE. */
export class Upstream {
  constructor(
    private readonly name: string,
    private readonly client: ServiceClient,
    private readonly log?: UpstreamLog,
  ) {}

  /** The same subgraph, its failures logged to `log` (a request's logger) when given. */
  loggingTo(log: UpstreamLog | undefined): Upstream {
    return log ? new Upstream(this.name, this.client, log) : this;
  }

  /** One of the subgraph's operations (`@casino/<subgraph>/operations`), typed by its document. */
  async request<TResult, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
  ): Promise<TResult> {
    try {
      return await this.client.request(document, variables);
    } catch (error) {
      this.log?.warn({ err: error, service: this.name }, 'compliance upstream call failed');
      throw upstreamUnavailable(this.name, error);
    }
  }
}

/** Exact cents of a Money string such as "1250.5" or "-3.25". */
export function cents(amount: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(amount.trim());
  if (!match) throw new RangeError(`not a money amount: ${amount}`);
  const value = BigInt(match[2]!) * 100n + BigInt((match[3] ?? '').padEnd(2, '0'));
  return match[1] === '-' ? -value : value;
}

/** A Money string with two decimals. */
export function moneyText(value: bigint): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  return `${negative ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}
