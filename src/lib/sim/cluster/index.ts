/** The simulated cluster (see sim-cluster.ts): what the rest of the simulator imports as `./cluster`. */
export { SimCluster } from './sim-cluster';
export type { ChangeEvent, CreateOptions, SimClusterOptions } from './types';
