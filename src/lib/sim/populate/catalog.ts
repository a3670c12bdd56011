/** The names, sizes and shapes a populated world draws from: regions, node pools, namespaces, apps. */

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const MINUTE = 60_000;

/**
 * The moment names and hashes are computed as of. A world is built relative to the clock (its
 * timestamps say "2 days ago"), but what ends up in a name or a hash (event names, CronJob Job
 * names, the pod-template-hash of a template with a restartedAt annotation) is computed as if the
 * world were built at this fixed time, so the same seed gives the same names on every page load.
 */
export const NAMING_EPOCH = Date.UTC(2026, 0, 1);

export const REGION = 'eu-west-1';
export const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
export const POOLS = [
  { pool: 'general', instanceType: 'm6i.2xlarge', cpu: 8, memoryGi: 32, weight: 6 },
  { pool: 'compute', instanceType: 'c6i.4xlarge', cpu: 16, memoryGi: 32, weight: 2 },
  { pool: 'highmem', instanceType: 'r6i.2xlarge', cpu: 8, memoryGi: 64, weight: 2 }
] as const;

export const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease', 'default'];
export const ADDON_NAMESPACES = ['ingress-nginx', 'cert-manager', 'monitoring', 'logging'];
/** App namespaces in the order they are used; `web` and `data` always exist. */
export const APP_NAMESPACES = [
  'web',
  'payments',
  'data',
  'checkout',
  'inventory',
  'search',
  'auth',
  'notifications',
  'analytics',
  'shipping',
  'catalog',
  'billing',
  'recommendations',
  'media',
  'identity',
  'reporting',
  'support',
  'marketing',
  'ml-platform',
  'gateway'
];
export const TEAMS = [
  'orion',
  'lyra',
  'vega',
  'draco',
  'cygnus',
  'perseus',
  'hydra',
  'aquila',
  'phoenix',
  'pavo',
  'lupus',
  'corvus'
];
export const ENVS = ['staging', 'qa', 'sandbox', 'preview', 'perf', 'canary'];

export const SUBJECTS = [
  'orders',
  'invoices',
  'users',
  'carts',
  'prices',
  'quotes',
  'ledger',
  'accounts',
  'sessions',
  'tokens',
  'emails',
  'sms',
  'push',
  'images',
  'videos',
  'thumbnails',
  'reviews',
  'ratings',
  'stock',
  'warehouse',
  'routes',
  'tracking',
  'refunds',
  'payouts',
  'fraud',
  'risk',
  'audit',
  'reports',
  'exports',
  'imports',
  'search',
  'feeds',
  'catalog',
  'promotions',
  'coupons',
  'loyalty',
  'profiles',
  'consent',
  'geo',
  'tax'
];
export const ROLES = [
  'api',
  'worker',
  'gateway',
  'scheduler',
  'indexer',
  'consumer',
  'frontend',
  'backend',
  'sync',
  'webhook',
  'processor',
  'exporter',
  'reconciler',
  'notifier',
  'router',
  'admin',
  'stream',
  'ingest',
  'renderer',
  'graphql',
  'grpc',
  'cache',
  'proxy',
  'validator',
  'matcher'
];
export const SIDECARS = [
  {
    name: 'otel-agent',
    image: 'otel/opentelemetry-collector-contrib:0.115.1',
    port: 4317,
    portName: 'otlp-grpc'
  },
  { name: 'envoy', image: 'envoyproxy/envoy:v1.32.2', port: 15001, portName: 'envoy-admin' },
  {
    name: 'cloud-sql-proxy',
    image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.2',
    port: 5432,
    portName: 'postgres'
  }
];

export const REPLICA_WEIGHTS: [number, number][] = [
  [1, 24],
  [2, 30],
  [3, 20],
  [4, 8],
  [5, 6],
  [6, 4],
  [8, 3],
  [10, 2],
  [12, 1.2],
  [20, 0.6],
  [30, 0.2]
];
