import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { readProcessEnv } from '@casino/config';

describe('pnpm start on a machine without a JDK', () => {
  it('prints one line telling the user to install JDK 17+ or set MONGODB_URI, and exits 1', () => {
    const root = path.resolve(__dirname, '..');
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      cwd: root,
      // no java on the PATH, and no MONGODB_URI
      env: { PATH: '/nonexistent', HOME: readProcessEnv().HOME },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/JDK 17\+/);
    expect(lines[0]).toMatch(/MONGODB_URI/);
  });
});
