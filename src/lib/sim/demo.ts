/**
 * The clusters of demo mode. They run inside the engine's worker and are reached through the
 * simulator transport (a direct call, no service worker), so demo mode keeps streaming in a
 * background tab and for hours: history and events are bounded, nothing grows with time.
 */
import { SimWorld, type SimWorldOptions } from './world';

export const DEMO_CLUSTERS: SimWorldOptions[] = [
  // A small cluster where the demo user is cluster-admin.
  { name: 'demo-dev', seed: 7, pods: 240, churn: 4, user: { name: 'admin', role: 'admin' } },
  // A larger cluster where the demo user is a viewer who may not read Secrets outside `web`,
  // and whose API server has no streaming list (WatchList off), like many 1.27–1.31 clusters.
  {
    name: 'demo-prod',
    seed: 42,
    pods: 2400,
    churn: 20,
    user: { name: 'viewer', role: 'viewer' },
    watchList: false
  }
];

/** The preset of a configured demo cluster: its own by name, else demo-dev's under that name. */
export function demoPreset(name: string): SimWorldOptions {
  return DEMO_CLUSTERS.find((c) => c.name === name) ?? { ...DEMO_CLUSTERS[0], name };
}

export interface DemoCluster {
  name: string;
  world: SimWorld;
  handler: (request: Request) => Promise<Response>;
  stop(): void;
}

export function createDemoClusters(configs: SimWorldOptions[] = DEMO_CLUSTERS): DemoCluster[] {
  return configs.map((c) => {
    // Each load starts later than the last one's resourceVersions: a cached one relists (410), see SimClusterOptions.
    const world = new SimWorld({
      http: { bookmarkIntervalMs: 30_000 },
      firstResourceVersion: Date.now(),
      ...c
    }).start();
    return { name: c.name, world, handler: world.handler, stop: () => world.stop() };
  });
}
