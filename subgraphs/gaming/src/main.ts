import { runSubgraphProcess } from '@casino/server';
import { gamingSubgraph } from './index';

void runSubgraphProcess(gamingSubgraph);
