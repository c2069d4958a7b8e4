import { exitOnConfigError } from '@casino/config';
import { runSubgraphProcess } from '@casino/server';
import { createLoyaltySubgraph, parseLoyaltySettings } from './index';
import type { LoyaltySettings } from './index';

let settings: LoyaltySettings;
try {
  settings = parseLoyaltySettings();
} catch (error) {
  exitOnConfigError(error);
}
void runSubgraphProcess(createLoyaltySubgraph(settings));
