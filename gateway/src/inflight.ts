import type { Identity } from '@casino/auth';

/**
 * Identical subgraph requests in flight at the same time share one call: the first starts it, the others
 * wait for its outcome. The key must hold everything the answer depends on (subgraph, caller, body); the
 * entry goes as soon as the call settles, so nothing is cached beyond the call itself.
 */
export class InflightCalls<T> {
  private readonly calls = new Map<string, Promise<T>>();
  /** Calls started, and requests that joined one already in flight. */
  readonly counts = { started: 0, joined: 0 };

  share(key: string, start: () => Promise<T>): Promise<T> {
    const running = this.calls.get(key);
    if (running) {
      this.counts.joined += 1;
      return running;
    }
    this.counts.started += 1;
    const call = start();
    this.calls.set(key, call);
    const forget = () => {
      if (this.calls.get(key) === call) this.calls.delete(key);
    };
    call.then(forget, forget);
    return call;
  }

  get size(): number {
    return this.calls.size;
  }
}

/**
 * Who a subgraph request speaks for, as far as any subgraph can tell: the verified identity whole (user id,
 * role, department, permissions, session) and the client address the credential carries. Two requests share
 * a call only when these are equal, so no caller ever receives an answer made for another's authorisation.
 */
export function callerScope(identity: Identity, ip: string | null): string {
  return `${ip ?? ''}\u0000${JSON.stringify(identity)}`;
}

/**
 * Whether a subgraph operation the query planner wrote is a query (a read): its first token is `query` or the
 * `{` of the shorthand form. A mutation (or anything else) is never shared.
 */
export function isQueryOperation(operation: string): boolean {
  const match = /^\s*(\{|query\b)/.exec(operation);
  return match !== null;
}
