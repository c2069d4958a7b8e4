import { exitOnConfigError } from '@casino/config';
import { runSubgraphProcess } from '@casino/server';
import { createWorkforceSubgraph, parseWorkforceSettings } from './index';
import type { WorkforceSettings } from './index';

let settings: WorkforceSettings;
try {
  settings = parseWorkforceSettings();
} catch (error) {
  exitOnConfigError(error);
}
void runSubgraphProcess(createWorkforceSubgraph(settings));
