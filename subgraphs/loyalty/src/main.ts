import { runSubgraphProcess } from '@casino/server';
import { loyaltySubgraph } from './index';

void runSubgraphProcess(loyaltySubgraph);
