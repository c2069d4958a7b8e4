import { startTestStack } from './support/stack-harness';
import type { TestStack } from './support/stack-harness';

/** MAX_REQUEST_BODY_BYTES, just under and just over, through the gateway. */
describe('request body limit', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ env: { MAX_REQUEST_BODY_BYTES: '4096' } });
  }, 120_000);
  afterAll(() => stack?.stop());

  // a query padded with a GraphQL comment to an exact body size
  const bodyOf = (size: number) => {
    const base = JSON.stringify({ query: '{ __typename }\n#' });
    return JSON.stringify({ query: `{ __typename }\n#${'x'.repeat(size - base.length)}` });
  };

  it('reads a body of the limit and refuses one byte more with PAYLOAD_TOO_LARGE 413, as JSON', async () => {
    const send = (body: string) =>
      fetch(stack.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    const atLimit = await send(bodyOf(4096));
    expect(atLimit.status).toBe(200);
    expect(await atLimit.json()).toEqual({ data: { __typename: 'Query' } });
    const over = await send(bodyOf(4097));
    expect(over.status).toBe(413);
    expect(over.headers.get('content-type')).toMatch(/^application\/json/);
    expect(
      ((await over.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code,
    ).toBe('PAYLOAD_TOO_LARGE');
  });
});
