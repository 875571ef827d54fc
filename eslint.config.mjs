// Workflows run in Temporal's deterministic sandbox: no I/O, no Node built-ins, no database or
// mail libraries. Everything with side effects lives in activities/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`]);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**', 'api/public/**', 'tests/.artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: 'Workflow code must stay deterministic: no Node built-ins.' })),
            ...['typeorm', 'mysql2', 'mysql2/promise', 'nodemailer', 'argon2'].map((name) => ({
              name,
              message: 'Workflows do no I/O: call an activity instead.',
            })),
          ],
          patterns: [
            { group: ['typeorm/*', 'mysql2/*', 'nodemailer/*'], message: 'Workflows do no I/O: call an activity instead.' },
            { group: ['../activities/*', '../db/*', '../notify/*'], allowTypeImports: true, message: 'Import activities by type only.' },
          ],
        },
      ],
    },
  },
);
