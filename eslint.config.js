// Lint: strict TypeScript plus the import direction between runtimes.
// Each folder under electron/ is named for where its code runs; renderer/ sees only electron/common.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';

const NODE_BUILTINS = ['fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'http', 'https', 'net', 'url', 'zlib', 'stream', 'util', 'events', 'buffer', 'process'];

/**
 * Imports a runtime folder may not use, with the reason shown to whoever trips it. Each rule is
 * [module names, path patterns (gitignore-style, matched against the import specifier), message].
 */
function forbid(rules) {
  const paths = [];
  const patterns = [];
  for (const [names, groups, message] of rules) {
    for (const name of names) paths.push({ name, message });
    if (groups.length > 0) patterns.push({ group: groups, message });
  }
  return { 'no-restricted-imports': ['error', { paths, patterns }] };
}

const noElectron = [['electron'], [], 'Only electron/main and electron/preload may import Electron.'];
const noNode = [NODE_BUILTINS, ['node:*'], 'This folder is pure TypeScript: no Node built-ins.'];
const noRenderer = [[], ['**/renderer/**'], 'Nothing under electron/ may import the renderer.'];
const noMain = [[], ['**/main/**'], 'Only the Electron main process may import electron/main.'];
const noPreload = [[], ['**/preload/**'], 'Nothing imports the preload script.'];
const noServe = [[], ['**/serve/**'], 'Serve-mode code is an entry point; import electron/node instead.'];
const noCli = [[], ['**/cli/**'], 'CLI code is an entry point; import electron/node instead.'];
const noInference = [[], ['**/inference/**'], 'The inference worker runs in its own process; talk to it through electron/node/inference-host.'];
const noNodeFolder = [[], ['**/node/**'], 'This folder may not import electron/node.'];
const onlyCommon = [[], ['**/electron/*', '**/electron/*/**', '!**/electron/common', '!**/electron/common/**'], 'The renderer may import only electron/common.'];

export default tseslint.config(
  { ignores: ['types/**', 'dist/**', 'out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'e2e/artifacts/**', 'native-models/**', 'resources/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-cycle': 'error',
      'import-x/no-self-import': 'error',
      eqeqeq: ['error', 'smart'],
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // Declaration files (Electron, itk-wasm) type plain objects as classes; this rule misfires on them.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { ...globals.node }, parserOptions: { projectService: false, project: null } },
  },
  { files: ['electron/common/**/*.ts'], ignores: ['**/*.test.ts'], rules: forbid([noElectron, noNode, noRenderer, noMain, noPreload, noServe, noCli, noInference, noNodeFolder]) },
  { files: ['electron/node/**/*.ts'], rules: forbid([noElectron, noRenderer, noMain, noPreload, noServe, noCli, noInference]) },
  { files: ['electron/inference/**/*.ts'], rules: forbid([noElectron, noRenderer, noMain, noPreload, noServe, noCli]) },
  { files: ['electron/serve/**/*.ts', 'electron/cli/**/*.ts'], rules: forbid([noElectron, noRenderer, noMain, noPreload, noInference]) },
  { files: ['electron/main/**/*.ts'], rules: forbid([noRenderer, noPreload, noServe, noCli, noInference]) },
  { files: ['electron/preload/**/*.ts'], rules: forbid([noNode, noRenderer, noMain, noServe, noCli, noInference, noNodeFolder]) },
  { files: ['renderer/**/*.ts'], ignores: ['**/*.test.ts'], rules: forbid([noElectron, noNode, onlyCommon]) },
);
