import { Writable } from 'node:stream';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { createLogger } from './index';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('writes JSON lines with the service name and level label', () => {
    const { lines, destination } = capture();
    createLogger({ name: 'loyalty', destination }).info({ requestId: 'r-1' }, 'hello');
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ service: 'loyalty', level: 'info', requestId: 'r-1', msg: 'hello' });
  });

  it('redacts secrets and personal data', () => {
    const { lines, destination } = capture();
    createLogger({ name: 'x', destination }).info(
      { password: 'hunter2', input: { nicPassport: 'N1234567', salary: 99000 }, variables: { a: 1 } },
      'attempt',
    );
    expect(lines[0]).not.toContain('hunter2');
    expect(lines[0]).not.toContain('N1234567');
    expect(lines[0]).not.toContain('99000');
    expect(JSON.parse(lines[0]!).input.nicPassport).toBe('[redacted]');
  });
});

describe('trace ids on log lines', () => {
  const traceId = '4bf92f3577b34a4736d5a0d0fe9e8a61';
  const spanId = '00f067aa0ba902b7';
  let manager: AsyncLocalStorageContextManager;

  beforeAll(() => {
    manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
  });
  afterAll(() => {
    context.disable();
  });

  it('adds trace_id and span_id of the active span, also on child loggers and after an await', async () => {
    const { lines, destination } = capture();
    const log = createLogger({ name: 'loyalty', destination }).child({ requestId: 'r-2' });
    const active = trace.setSpanContext(context.active(), { traceId, spanId, traceFlags: 1 });
    await context.with(active, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      log.info('inside');
    });
    log.info('outside');
    log.info({ memberId: 'm-1' }, 'first');
    log.info('second');
    expect(JSON.parse(lines[0]!)).toMatchObject({ trace_id: traceId, span_id: spanId, requestId: 'r-2' });
    expect(JSON.parse(lines[1]!)).not.toHaveProperty('trace_id');
    expect(JSON.parse(lines[1]!)).not.toHaveProperty('span_id');
    // one line's fields never reach the next
    expect(JSON.parse(lines[3]!)).not.toHaveProperty('memberId');
  });
});
