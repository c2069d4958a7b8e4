import { exitOnConfigError } from '@casino/config';
import type { SubgraphEnv } from '@casino/config';
import { connectMongo } from '@casino/mongo';
import { parseSubgraphEnv, runSubgraphProcess } from '@casino/server';
import { DemoPasswordInUseError, assertNoDemoPasswords } from './admins/demo-passwords';
import { createComplianceSubgraph } from './index';
import { DEFAULT_DEMO_PASSWORD, parseComplianceSettings } from './settings';
import type { ComplianceSettings } from './settings';

/** In production, no active admin may still sign in with the configured or the published demo password. */
async function refuseDemoPasswordsInProduction(
  env: SubgraphEnv,
  settings: ComplianceSettings,
): Promise<void> {
  if (env.NODE_ENV !== 'production') return;
  const mongo = await connectMongo({
    uri: env.MONGODB_URI,
    database: env.MONGODB_DATABASE,
    appName: 'compliance-startup-check',
  });
  try {
    await assertNoDemoPasswords(mongo.db, [settings.demoPassword, DEFAULT_DEMO_PASSWORD]);
  } finally {
    await mongo.close();
  }
}

let settings: ComplianceSettings;
let env: SubgraphEnv;
try {
  settings = parseComplianceSettings();
  env = parseSubgraphEnv(createComplianceSubgraph(settings));
} catch (error) {
  exitOnConfigError(error);
}

refuseDemoPasswordsInProduction(env, settings).then(
  () => runSubgraphProcess(createComplianceSubgraph(settings)),
  (error: unknown) => {
    if (!(error instanceof DemoPasswordInUseError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  },
);
