import { Writable } from 'node:stream';
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
