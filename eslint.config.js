// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Import boundaries from the architecture note: each folder may import only what is listed. */
const boundary = (files, patterns, message, ignores = []) => ({
  files,
  ignores,
  rules: {
    'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
  },
});
const NODE_ONLY =
  'src/node is the Node code that the daemon and the pool both bundle: it imports only ' +
  'src/shared and node: modules (and npm packages).';
const ALL_SRC = ['**/main/**', '**/pool/**', '**/renderer/**', '**/scripts/**'];

export default tseslint.config(
  { ignores: ['out/', 'dist/', '.cache/', 'node_modules/', 'test-results/', 'playwright-report/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Fastify handlers and hooks are async by contract, awaiting or not.
      '@typescript-eslint/require-await': 'off',
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: reactHooks.configs.recommended.rules,
  },
  boundary(
    ['src/shared/**'],
    [...ALL_SRC, '**/node/**', 'node:*', 'electron'],
    'src/shared is pure TypeScript: it imports no other folder, no node: module and no electron.',
  ),
  boundary(
    ['src/renderer/**'],
    ['**/main/**', '**/pool/**', '**/node/**', 'node:*', 'electron'],
    'The renderer imports only src/shared (it talks to the daemon over HTTP).',
  ),
  boundary(
    ['src/pool/**'],
    ['**/main/**', '**/renderer/**', 'electron'],
    'src/pool runs on pool hosts: it imports only src/shared and src/node.',
  ),
  boundary(
    ['src/node/**'],
    ['**/main/**', '**/pool/**', '**/renderer/**', '**/scripts/**', 'electron'],
    NODE_ONLY,
    ['src/node/**/*.test.ts'],
  ),
  // Its tests may use the test support in scripts/testing, as every folder's tests do.
  boundary(
    ['src/node/**/*.test.ts'],
    ['**/main/**', '**/pool/**', '**/renderer/**', 'electron'],
    NODE_ONLY,
  ),
  boundary(
    ['src/main/daemon/**', 'src/main/cli/**', 'src/main/ssh/**'],
    ['electron', '**/renderer/**', '**/pool/**'],
    'Only src/main/electron imports electron; the daemon reaches workers over HTTP.',
  ),
);
