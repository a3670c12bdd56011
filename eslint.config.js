import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

import { layerZones } from './eslint.layers.js';

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
  {
    ignores: [
      '.tmp/',
      'build/',
      '.svelte-kit/',
      'node_modules/',
      'test-results/',
      'playwright-report/',
      'artifacts/'
    ]
  }
);
