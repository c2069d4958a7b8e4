import { withoutInputEchoes } from '@casino/errors';

/** Why the last delivery of an outbox row failed, kept without personal data. */
export interface DeliveryFailure {
  /** The receiver's error code (e.g. BAD_USER_INPUT), `HTTP_<status>`, or the kind of local error */
  code: string;
  message: string;
}

/** An outbox row set aside after too many failed deliveries: kept, no longer retried, counted. */
export interface DeadLetter {
  id: string;
  /** Which outbox it came from: `audit-event`, `point-credit`, `notification` */
  kind: string;
  attempts: number;
  lastError: DeliveryFailure | null;
  deadSince: Date;
}

export interface DeadLetterPage {
  count: number;
  items: DeadLetter[];
}

/** Default of OUTBOX_MAX_ATTEMPTS: failed deliveries after which an outbox row is set aside as dead. */
export const DEFAULT_OUTBOX_MAX_ATTEMPTS = 10;

const MESSAGE_LIMIT = 300;

/**
 * A failure as it may be stored and shown. An answer from another service keeps its code and message (services
 * answer without the input values); any local error keeps only its kind, since driver messages can quote stored
 * values (a duplicate key names the key's value).
 */
export function deliveryFailureOf(error: unknown): DeliveryFailure {
  const e = error as {
    name?: unknown;
    message?: unknown;
    status?: unknown;
    errors?: { extensions?: { code?: unknown } }[];
  };
  if (e && e.name === 'ServiceCallError') {
    const code = e.errors?.[0]?.extensions?.code;
    const message = typeof e.message === 'string' ? withoutInputEchoes(e.message) : 'delivery failed';
    return {
      code:
        typeof code === 'string' ? code : typeof e.status === 'number' ? `HTTP_${e.status}` : 'UNREACHABLE',
      message: message.slice(0, MESSAGE_LIMIT),
    };
  }
  const kind = error instanceof Error ? error.name : 'Error';
  if (error instanceof RangeError) return { code: kind, message: 'the row could not be read or serialized' };
  return { code: kind, message: 'delivery failed locally' };
}

/**
 * Wait before the next attempt after `attempts` failures: base x 2^(attempts-1), capped, less a random share
 * of up to `jitter` (0: none; 0.5: equal jitter, between half and all of it; 1: full jitter, anywhere up to
 * it), so rows that failed together do not all come back at the same instant.
 */
export function retryDelayMs(
  attempts: number,
  baseMs: number,
  maxMs: number,
  jitter = 0,
  random: () => number = Math.random,
): number {
  const capped = Math.min(baseMs * 2 ** Math.max(attempts - 1, 0), maxMs);
  return Math.round(capped * (1 - jitter * random()));
}

/** One outbox's dead rows, as the dead-letter queries read and retry them. */
export interface DeadLetterSource {
  page(limit: number): Promise<DeadLetterPage>;
  /** Puts a dead row back in line with a fresh count of attempts; false when this outbox has no such dead row */
  retry(id: string): Promise<boolean>;
}

/** The dead rows of every outbox of a subgraph, counted and listed together, newest first. */
export class DeadLetters {
  constructor(private readonly sources: readonly DeadLetterSource[]) {}

  async page(limit: number): Promise<DeadLetterPage> {
    const pages = await Promise.all(this.sources.map((source) => source.page(limit)));
    return {
      count: pages.reduce((sum, page) => sum + page.count, 0),
      items: pages
        .flatMap((page) => page.items)
        .sort((a, b) => b.deadSince.getTime() - a.deadSince.getTime())
        .slice(0, limit),
    };
  }

  async retry(id: string): Promise<boolean> {
    for (const source of this.sources) if (await source.retry(id)) return true;
    return false;
  }
}
