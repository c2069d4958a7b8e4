import { IDENTITY_HEADER, signIdentity } from '@casino/auth';
import type { AuditEvent } from './event';
import type { AuditSink } from './outbox';

const RECORD = /* GraphQL */ `
  mutation RecordAuditEvents($events: [AuditEventInput!]!) {
    recordAuditEvents(events: $events)
  }
`;

/** Delivers audit events through compliance's API, as this service, with a signed service identity. */
export class ComplianceAuditSink implements AuditSink {
  constructor(
    private readonly options: { url: string; service: string; signingSecret: string; timeoutMs?: number },
  ) {}

  async deliver(events: AuditEvent[]): Promise<void> {
    const response = await fetch(this.options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [IDENTITY_HEADER]: signIdentity(
          { kind: 'service', service: this.options.service },
          this.options.signingSecret,
        ),
      },
      body: JSON.stringify({
        query: RECORD,
        variables: { events },
      }),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
    });
    const body = (await response.json().catch(() => null)) as { errors?: { message: string }[] } | null;
    if (!response.ok || !body || body.errors?.length) {
      throw new Error(
        `compliance refused audit events: ${response.status} ${body?.errors?.[0]?.message ?? ''}`,
      );
    }
  }
}
