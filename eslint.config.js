import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/**
 * The layers of src/lib (ARCHITECTURE.md, "Layers, enforced"): each folder imports only from the
 * layers below it. `kube` ← `watch` ← `view`, `cache` ← `metrics` ← `kinds` ← `logs` ← `engine` ←
 * `client`, `config`, `workers` ← `store` ← `ui`, `routes`. The simulator (`sim`) stands beside
 * them and imports only `kube`; `nav` (link building) imports only `kube`. Type-only imports count:
 * a type that three layers share belongs at the bottom.
 */
const LIB_FOLDERS = [
  'kube',
  'watch',
  'view',
  'cache',
  'metrics',
  'kinds',
  'logs',
  'engine',
  'client',
  'config',
  'store',
  'nav',
  'ui',
  'sim'
];
const LAYER_RULES = {
  kube: { may: [] },
  nav: { may: ['kube'] },
  sim: { may: ['kube'] },
  watch: { may: ['kube'] },
  view: { may: ['kube', 'watch'] },
  cache: { may: ['kube', 'watch'] },
  metrics: { may: ['kube', 'watch', 'view', 'cache'] },
  kinds: { may: ['kube', 'watch', 'view', 'cache', 'metrics'] },
  logs: { may: ['kube', 'watch', 'view', 'cache', 'metrics', 'kinds'] },
  engine: { may: ['kube', 'watch', 'view', 'cache', 'metrics', 'kinds', 'logs'] },
  config: { may: ['kube', 'watch', 'view', 'cache', 'metrics', 'kinds', 'logs', 'engine'] },
  client: { may: ['kube', 'watch', 'view', 'cache', 'metrics', 'kinds', 'logs', 'engine', 'config'] },
  store: {
    may: ['kube', 'watch', 'view', 'cache', 'metrics', 'kinds', 'logs', 'engine', 'config', 'client'],
    svelte: true
  }
};

/**
 * An import of one of `folders` from a file `depth` folders below src/lib: relative imports name
 * src/lib's folders after exactly `depth` `../` (fewer stay inside the file's own layer).
 */
const folderImport = (folders, depth) => `^(?:(?:\\.\\./){${depth}}|\\$lib/)(?:${folders.join('|')})(?:/|$)`;
const WORKER_IMPORT = '(?:^|/)workers/';
const DEPTHS = [1, 2, 3, 4];

const layerZones = Object.entries(LAYER_RULES).flatMap(([layer, { may, svelte }]) => {
  const banned = LIB_FOLDERS.filter((f) => f !== layer && !may.includes(f));
  return DEPTHS.map((depth) => {
    const patterns = [
      {
        regex: folderImport(banned, depth),
        message: `${layer} is a lower layer: it may import only ${[layer, ...may].join(', ')} (see ARCHITECTURE.md, "Layers, enforced").`
      },
      {
        regex: WORKER_IMPORT,
        message: `${layer} may not import the worker: it is an entry point, not a library.`
      }
    ];
    if (!svelte)
      patterns.push({
        regex: '^(?:svelte(?:/|$)|\\$app/)',
        message: `${layer} is plain TypeScript: no Svelte or SvelteKit imports below the stores.`
      });
    return {
      files: [`src/lib/${layer}/${'*/'.repeat(depth - 1)}*.ts`],
      rules: { 'no-restricted-imports': ['error', { patterns }] }
    };
  });
});

/** The UI may use everything above but the simulator and the worker (it reaches the engine through the client). */
const uiZone = {
  files: ['src/lib/ui/**/*.{ts,svelte}', 'src/routes/**/*.{ts,svelte}'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `^\\$lib/sim/|${WORKER_IMPORT}`,
            message:
              'The UI reaches the engine through src/lib/client, never the simulator or the worker directly.'
          }
        ]
      }
    ]
  }
};

export default ts.config(
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } }
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        extraFileExtensions: ['.svelte'],
        parser: ts.parser,
        svelteConfig
      }
    }
  },
  {
    rules: {
      // Cluster data is untrusted: never render it as HTML.
      'svelte/no-at-html-tags': 'error',
      // Off because resolve() is wrong for this app. Routes live in the URL hash (svelte.config.js:
      // kubectl proxy --www has no SPA fallback), and every app link is a bare fragment ("#/k/pods")
      // built by src/lib/nav/links.ts, which keeps the current document whatever its path prefix.
      // Kit's hash-mode resolve() returns base + "#/…", and with relative paths base is the page's
      // directory without its trailing slash ("/ui" on "/ui/"): a different pathname, so every click
      // would leave the page and reload it (sveltejs/kit#14894).
      'svelte/no-navigation-without-resolve': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }]
    }
  },
  ...layerZones,
  uiZone,
  {
    ignores: [
      '.tmp/',
      'build/',
      '.svelte-kit/',
      'node_modules/',
      'static/mockServiceWorker.js',
      'test-results/',
      'playwright-report/',
      'artifacts/'
    ]
  }
);
