import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Express, Response } from 'express';

/** Where the self-hosted GraphiQL opens. */
export const EXPLORER_PATH = '/explorer';

/** The operation Apollo Sandbox and the explorer start from: everything else needs its token. */
export const LOGIN_DOCUMENT = `mutation Login($username: String!, $password: String!) {
  login(input: { username: $username, password: $password }) {
    token
    refreshToken
    expiresAt
    user {
      username
      role
    }
  }
}
`;

/**
 * Nothing but this origin: the page works on a network without internet, and a script that tried to reach
 * elsewhere is blocked. GraphiQL's stylesheet embeds its fonts and icons as data: URLs, which load nothing.
 */
export const EXPLORER_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  body: Buffer;
  type: string;
}

const JAVASCRIPT = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/** A file of an installed package; those without an exports entry for it are reached from their package.json. */
function packageFile(name: string, file: string): string {
  return path.join(path.dirname(require.resolve(`${name}/package.json`)), file);
}

/** Everything the page loads, read once at start-up so a missing package fails the start, not a user. */
function loadAssets(): Map<string, Asset> {
  const own = path.resolve(__dirname, '../explorer');
  const files: [string, string, string][] = [
    ['', path.join(own, 'index.html'), 'text/html; charset=utf-8'],
    ['/explorer.js', path.join(own, 'explorer.js'), JAVASCRIPT],
    ['/explorer.css', path.join(own, 'explorer.css'), CSS],
    ['/vendor/react.js', packageFile('react', 'umd/react.production.min.js'), JAVASCRIPT],
    ['/vendor/react-dom.js', packageFile('react-dom', 'umd/react-dom.production.min.js'), JAVASCRIPT],
    ['/vendor/graphiql.js', packageFile('graphiql', 'graphiql.min.js'), JAVASCRIPT],
    ['/vendor/graphiql.css', packageFile('graphiql', 'graphiql.min.css'), CSS],
  ];
  return new Map(
    files.map(([route, file, type]) => [route, { body: stripSourceMap(readFileSync(file)), type }]),
  );
}

/** The vendor builds name source maps that are not served; without the comment devtools do not ask for them. */
function stripSourceMap(body: Buffer): Buffer {
  const text = body.toString('utf8');
  const stripped = text.replace(/\n?\/[/*][#@] sourceMappingURL=[^\n]*\s*$/, '\n');
  return stripped === text ? body : Buffer.from(stripped, 'utf8');
}

function send(res: Response, asset: Asset, cacheControl: string): void {
  res.setHeader('content-type', asset.type);
  res.setHeader('content-security-policy', EXPLORER_CONTENT_SECURITY_POLICY);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('cross-origin-opener-policy', 'same-origin');
  res.setHeader('cross-origin-resource-policy', 'same-origin');
  res.setHeader('cache-control', cacheControl);
  res.end(asset.body);
}

/**
 * A GraphiQL served from the gateway's own files and installed packages, for networks without internet
 * (Apollo Sandbox loads from Apollo's CDN). The page signs in with `login`, renews the token with
 * `refreshToken` before it expires and sends it on every request; see gateway/explorer/explorer.js.
 */
export function explorerRoutes(): (app: Express) => void {
  const assets = loadAssets();
  return (app) => {
    app.get(EXPLORER_PATH, (req, res) => {
      // the page's own files are relative to /explorer/
      if (!req.path.endsWith('/')) {
        const query = req.originalUrl.slice(req.path.length);
        res.redirect(301, `${EXPLORER_PATH}/${query}`);
        return;
      }
      send(res, assets.get('')!, 'no-cache');
    });
    app.get(`${EXPLORER_PATH}/*file`, (req, res, next) => {
      const asset = assets.get(req.path.slice(EXPLORER_PATH.length));
      if (!asset) {
        next();
        return;
      }
      send(res, asset, 'public, max-age=300');
    });
  };
}
