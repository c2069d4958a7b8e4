import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { startTestStack } from './support/stack-harness';
import type { TestStack } from './support/stack-harness';

/** Debian's package (`apt-get install chromium`; .ci/run installs it): nothing is downloaded for the test. */
const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

const MEMBERS = '{ members(first: 3) { edges { node { memberNumber nicPassport } } } }';
const SESSION_KEY = 'casino-explorer-session';

interface MembersResult {
  data?: { members: { edges: { node: { memberNumber: string; nicPassport: string | null } }[] } };
  errors?: unknown[];
}

interface Sent {
  url: string;
  method: string;
  authorization: string | undefined;
  body: string | null;
}

let stack: TestStack;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  const executablePath = CHROMIUM_PATHS.find((candidate) => existsSync(candidate));
  if (!executablePath) {
    throw new Error(
      `the explorer test needs Chromium at one of ${CHROMIUM_PATHS.join(', ')}: apt-get install -y chromium (.ci/run installs it)`,
    );
  }
  [stack, browser] = await Promise.all([
    startTestStack({ seedMembers: 5 }),
    chromium.launch({
      executablePath,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    }),
  ]);
  origin = new URL(stack.gateway.url).origin;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the self-hosted explorer', () => {
  it('is served from the gateway with its content types and a policy that allows only its own origin', async () => {
    const redirect = await fetch(`${origin}/explorer`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/explorer/');

    const page = await fetch(`${origin}/explorer/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'none'");
    for (const directive of ['script-src', 'style-src', 'connect-src']) {
      expect(policy).toContain(`${directive} 'self';`);
    }
    // no host, scheme or wildcard source anywhere: only 'self' (and data: for the inlined fonts)
    expect(policy.replace(/'[a-z-]+'|data:/g, '')).not.toMatch(/[*:.]/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');

    const types: Record<string, string> = {
      'explorer.js': 'text/javascript; charset=utf-8',
      'explorer.css': 'text/css; charset=utf-8',
      'vendor/react.js': 'text/javascript; charset=utf-8',
      'vendor/react-dom.js': 'text/javascript; charset=utf-8',
      'vendor/graphiql.js': 'text/javascript; charset=utf-8',
      'vendor/graphiql.css': 'text/css; charset=utf-8',
    };
    for (const [asset, type] of Object.entries(types)) {
      const response = await fetch(`${origin}/explorer/${asset}`);
      expect({ asset, status: response.status, type: response.headers.get('content-type') }).toEqual({
        asset,
        status: 200,
        type,
      });
      await response.arrayBuffer();
    }
    expect((await fetch(`${origin}/explorer/vendor/../../package.json`)).status).toBe(404);
    expect((await fetch(`${origin}/explorer/graphiql.min.js.map`)).status).toBe(404);
  });

  it('signs in as a Supervisor, runs a query with the token, renews it before expiry and never leaves the origin', async () => {
    const context = await browser.newContext({ serviceWorkers: 'block' });
    const sent: Sent[] = [];
    context.on('request', (request) => {
      sent.push({
        url: request.url(),
        method: request.method(),
        authorization: request.headers()['authorization'],
        body: request.postData(),
      });
    });
    // Chrome reports what the policy blocks only to the page: collect it there, so that an attempt to load
    // anything from elsewhere (refused by the policy, hence never a request) still fails the test
    await context.addInitScript(
      `window.__blocked = []; document.addEventListener('securitypolicyviolation', (e) => window.__blocked.push(e.violatedDirective + ' ' + e.blockedURI));`,
    );
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    await page.clock.install();

    try {
      await page.goto(`${origin}/explorer`);
      // a wrong password is refused with the gateway's message, and no explorer opens
      await page.fill('input[name=username]', 'supervisor');
      await page.fill('input[name=password]', 'not-the-password');
      await page.click('#sign-in button[type=submit]');
      await until(page, `document.getElementById('sign-in-error').textContent`);
      expect(await page.textContent('#sign-in-error')).toMatch(/not correct/);
      expect(await page.isHidden('#graphiql')).toBe(true);

      await page.fill('input[name=password]', 'demo-password-2026');
      await page.click('#sign-in button[type=submit]');
      await page.waitForSelector('.graphiql-container .graphiql-query-editor .CodeMirror');
      expect(await page.textContent('#session-user')).toBe('supervisor (Supervisor)');
      const signedInAt = Date.now();

      const first = await run(page, MEMBERS);
      expect(first.errors).toBeUndefined();
      const edges = first.data!.members.edges;
      expect(edges).toHaveLength(3);
      for (const { node } of edges) {
        expect(node.memberNumber).toEqual(expect.any(String));
        // a Supervisor sees identity documents masked
        expect(node.nicPassport).toMatch(/^\*{4}.{4}$/);
      }
      const firstToken = lastQueryAuthorization(sent);
      expect(firstToken).toMatch(/^Bearer \S+$/);

      // just before the access token expires, the page exchanges its refresh token for a new pair
      // (the page has no DOM types here: what runs in it is written as expressions)
      const session = `JSON.parse(sessionStorage.getItem(${JSON.stringify(SESSION_KEY)}))`;
      const firstRefreshToken = await page.evaluate<string>(`${session}.refreshToken`);
      // tokens state their issue time in whole seconds and Ed25519 signatures are deterministic: a renewal
      // within the second of the sign-in would be the same token, so let that second pass
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, signedInAt + 1100 - Date.now())));
      const left = await page.evaluate<number>(`Date.parse(${session}.expiresAt) - Date.now()`);
      const renewal = page.waitForResponse((response) =>
        (response.request().postData() ?? '').includes('ExplorerRefresh'),
      );
      await page.clock.fastForward(Math.max(0, left - 30_000));
      const renewed = (await (await renewal).json()) as { data?: { refreshToken?: { token: string } } };
      expect(renewed.data?.refreshToken?.token).toEqual(expect.any(String));
      await until(page, `${session}.refreshToken !== ${JSON.stringify(firstRefreshToken)}`);
      const second = await run(page, MEMBERS);
      expect(second.errors).toBeUndefined();
      expect(second.data!.members.edges).toHaveLength(3);
      const secondToken = lastQueryAuthorization(sent);
      expect(secondToken).toMatch(/^Bearer \S+$/);
      expect(secondToken).not.toBe(firstToken);
      expect(secondToken).toBe(`Bearer ${renewed.data!.refreshToken!.token}`);

      const graphql = sent.filter((request) => new URL(request.url).pathname === '/graphql');
      // sign-in and renewal go without a token; everything else (introspection, the queries) carries one
      for (const request of graphql) {
        const anonymous = /ExplorerLogin|ExplorerRefresh/.test(request.body ?? '');
        expect({
          body: request.body?.slice(0, 60),
          bearer: request.authorization?.startsWith('Bearer '),
        }).toEqual({
          body: request.body?.slice(0, 60),
          bearer: anonymous ? undefined : true,
        });
      }
      expect(graphql.some((request) => (request.body ?? '').includes('__schema'))).toBe(true);
      expect(await page.evaluate('window.__blocked')).toEqual([]);
    } finally {
      await context.close();
    }

    expect(sent.length).toBeGreaterThan(5);
    expect(
      sent.filter((request) => !request.url.startsWith('data:')).map((r) => new URL(r.url).origin),
    ).toEqual(sent.filter((request) => !request.url.startsWith('data:')).map(() => origin));
    expect(problems).toEqual([]);
  });
});

/** Types an operation into GraphiQL's editor, runs it and reads the result pane. */
async function run(page: Page, query: string): Promise<MembersResult> {
  const editor = (pane: string) => `document.querySelector('.graphiql-${pane} .CodeMirror').CodeMirror`;
  await page.evaluate(`${editor('query-editor')}.setValue(${JSON.stringify(query)})`);
  // the result pane is emptied so what appears next is this run's answer
  await page.evaluate(`${editor('response')}.setValue('')`);
  await page.click('.graphiql-execute-button');
  const text = await until<string>(
    page,
    `${editor('response')}.getValue().trim().startsWith('{') && ${editor('response')}.getValue()`,
  );
  return JSON.parse(text) as MembersResult;
}

/**
 * Polls an expression in the page until it is truthy. (Playwright's waitForFunction evaluates a string with
 * eval inside the page, which the explorer's Content-Security-Policy rightly refuses.)
 */
async function until<T>(page: Page, expression: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await page.evaluate<T>(expression).catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function lastQueryAuthorization(sent: Sent[]): string | undefined {
  return sent.filter((request) => (request.body ?? '').includes('members(first: 3)')).at(-1)?.authorization;
}
