import { exitOnConfigError } from '@casino/config';
import { runSubgraphProcess } from '@casino/server';
import { createGamingSubgraph, parseGamingSettings } from './index';
import type { GamingSettings } from './index';

let settings: GamingSettings;
try {
  settings = parseGamingSettings();
} catch (error) {
  exitOnConfigError(error);
}
void runSubgraphProcess(createGamingSubgraph(settings));
