import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import type { DocumentNode } from 'graphql';
import { withClientSpan } from '@casino/telemetry';
import type { Tracer } from '@casino/telemetry';
import type { CredentialSigner } from './credential';
import { REQUEST_CREDENTIAL_HEADER, signRequestCredential } from './credential';

export interface ServiceError {
  message: string;
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

/** A call to another subgraph that failed: transport, HTTP status, or GraphQL errors (with their codes). */
export class ServiceCallError extends Error {
  override name = 'ServiceCallError';
  constructor(
    message: string,
    readonly errors: ServiceError[] = [],
    readonly status: number | null = null,
  ) {
    super(message);
  }

  /** The first GraphQL error code, e.g. CONFLICT or NOT_FOUND, when the owner answered with one. */
  get code(): string | null {
    const code = this.errors[0]?.extensions?.code;
    return typeof code === 'string' ? code : null;
  }
}

export interface ServiceClientOptions {
  /** The owner's GraphQL endpoint, e.g. http://localhost:4001/graphql */
  url: string;
  /** The owner's service name: the only audience the request credential is good for. */
  target: string;
  /** This service's key; its issuer name is the service identity the owner sees in its rules and audit trail. */
  signer: CredentialSigner;
  timeoutMs?: number;
  /**
   * The calling service's tracer (tracing on): each call is a CLIENT span and carries `traceparent`, so the
   * owner's work joins the caller's trace.
   */
  tracer?: Tracer | null;
}

const printedDocuments = new WeakMap<DocumentNode, string>();

/** A document's text, printed once per document. */
function printed(document: DocumentNode): string {
  let text = printedDocuments.get(document);
  if (text === undefined) {
    text = print(document);
    printedDocuments.set(document, text);
  }
  return text;
}

/**
 * Calls another subgraph's API directly (not through the gateway) as a service identity, each request with a
 * credential of its own (bound to the owner, the body and a one-time id). Owners name in their rules which
 * services may call what.
 */
export class ServiceClient {
  constructor(private readonly options: ServiceClientOptions) {}

  get url(): string {
    return this.options.url;
  }

  /**
   * Sends one of the provider's operations (a typed document generated from its `operations/*.graphql`, such
   * as `@casino/loyalty/operations`): the variables and the answer are typed by the document.
   */
  request<TResult, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
  ): Promise<TResult>;
  request<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  async request<T>(operation: string | DocumentNode, variables: Record<string, unknown> = {}): Promise<T> {
    const query = typeof operation === 'string' ? operation : printed(operation);
    const { tracer } = this.options;
    if (!tracer) return this.send<T>(query, variables, {});
    return withClientSpan(
      tracer,
      `POST ${this.options.target}`,
      { 'http.request.method': 'POST', 'peer.service': this.options.target, 'url.full': this.options.url },
      (traceHeaders) => this.send<T>(query, variables, traceHeaders),
    );
  }

  private async send<T>(
    query: string,
    variables: Record<string, unknown>,
    traceHeaders: Record<string, string>,
  ): Promise<T> {
    const body = JSON.stringify({ query, variables });
    const credential = await signRequestCredential(this.options.signer, {
      identity: { kind: 'service', service: this.options.signer.issuer },
      audience: this.options.target,
      body,
    });
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          ...traceHeaders,
          'content-type': 'application/json',
          [REQUEST_CREDENTIAL_HEADER]: credential,
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
      });
    } catch (error) {
      throw new ServiceCallError(`${this.options.url} unreachable: ${(error as Error).message}`);
    }
    const answer = (await response.json().catch(() => null)) as { data?: T; errors?: ServiceError[] } | null;
    if (!answer)
      throw new ServiceCallError(
        `${this.options.url} answered ${response.status} without JSON`,
        [],
        response.status,
      );
    if (answer.errors?.length) {
      throw new ServiceCallError(answer.errors[0]!.message, answer.errors, response.status);
    }
    if (!response.ok || answer.data === undefined) {
      throw new ServiceCallError(`${this.options.url} answered ${response.status}`, [], response.status);
    }
    return answer.data;
  }
}
