import type { ServiceClient } from '@casino/auth';
import type { AuditEvent } from './event';
import type { AuditSink } from './outbox';

const RECORD = /* GraphQL */ `
  mutation RecordAuditEvents($events: [AuditEventInput!]!) {
    recordAuditEvents(events: $events)
  }
`;

/** Delivers audit events through compliance's API, as this service. */
export class ComplianceAuditSink implements AuditSink {
  constructor(private readonly compliance: ServiceClient) {}

  async deliver(events: AuditEvent[]): Promise<void> {
    await this.compliance.request<{ recordAuditEvents: number }>(RECORD, { events });
  }
}
