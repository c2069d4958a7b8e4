import { IDENTITY_HEADER, signIdentity } from './identity';

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
  /** This service's name, as the owner will see it in its rules and audit trail. */
  service: string;
  signingSecret: string;
  timeoutMs?: number;
}

/**
 * Calls another subgraph's API directly (not through the gateway) as a service identity, signed like the
 * gateway signs callers. Owners decide with `isService` rules what a service may do.
 */
export class ServiceClient {
  constructor(private readonly options: ServiceClientOptions) {}

  get url(): string {
    return this.options.url;
  }

  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [IDENTITY_HEADER]: signIdentity(
            { kind: 'service', service: this.options.service },
            this.options.signingSecret,
          ),
        },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
      });
    } catch (error) {
      throw new ServiceCallError(`${this.options.url} unreachable: ${(error as Error).message}`);
    }
    const body = (await response.json().catch(() => null)) as { data?: T; errors?: ServiceError[] } | null;
    if (!body)
      throw new ServiceCallError(
        `${this.options.url} answered ${response.status} without JSON`,
        [],
        response.status,
      );
    if (body.errors?.length) {
      throw new ServiceCallError(body.errors[0]!.message, body.errors, response.status);
    }
    if (!response.ok || body.data === undefined) {
      throw new ServiceCallError(`${this.options.url} answered ${response.status}`, [], response.status);
    }
    return body.data;
  }
}
