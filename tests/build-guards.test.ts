import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compile } from '../scripts/build';

/** `pnpm build` (its success is tests/production-build.test.ts) refuses production code that needs test-only modules or reaches into another package's files. */
const ROOT = path.resolve(__dirname, '..');
const root = mkdtempSync(path.join(tmpdir(), 'casino-build-guards-'));
const out = path.join(root, '.compiled');

beforeAll(() => {
  copyFileSync(path.join(ROOT, 'tsconfig.base.json'), path.join(root, 'tsconfig.base.json'));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'));
  mkdirSync(path.join(root, 'src', 'testing'), { recursive: true });
  const write = (file: string, text: string) => writeFileSync(path.join(root, 'src', file), text);
  write('testing/fixtures.ts', 'export const fixture = 1;\n');
  write('uses-fixtures.ts', "import { fixture } from './testing/fixtures';\nexport const value = fixture;\n");
  write(
    'deep-import.ts',
    "import { readSecretFiles } from '@casino/config/src/secret-files';\nexport const read = readSecretFiles;\n",
  );
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('production build guards', () => {
  it('refuses an entry point that imports a test-only module', () => {
    expect(() => compile(root, [path.join(root, 'src/uses-fixtures.ts')], out)).toThrow(
      /imports test-only modules: src\/testing\/fixtures\.js/,
    );
  });

  it("refuses an import into another package's files", () => {
    expect(() => compile(root, [path.join(root, 'src/deep-import.ts')], out)).toThrow(
      /deep-import\.js imports inside another package: @casino\/config\/src\/secret-files/,
    );
  });
});
