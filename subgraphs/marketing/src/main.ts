import { exitOnConfigError } from '@casino/config';
import { runSubgraphProcess } from '@casino/server';
import { createMarketingSubgraph, parseMarketingSettings } from './index';
import type { MarketingSettings } from './index';

let settings: MarketingSettings;
try {
  settings = parseMarketingSettings();
} catch (error) {
  exitOnConfigError(error);
}
void runSubgraphProcess(createMarketingSubgraph(settings));
