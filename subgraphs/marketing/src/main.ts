import { runSubgraphProcess } from '@casino/server';
import { marketingSubgraph } from './index';

void runSubgraphProcess(marketingSubgraph);
