import { runSubgraphProcess } from '@casino/server';
import { complianceSubgraph } from './index';

void runSubgraphProcess(complianceSubgraph);
