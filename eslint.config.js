import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'crypto',
  'os',
  'child_process',
  'http',
  'net',
  'url',
  'util',
  'events',
  'stream',
  'perf_hooks',
  'worker_threads',
]

export default tseslint.config(
  { ignores: ['build/**', 'node_modules/**', 'data/**', 'tmp/**', 'public/**', 'bench/results/**', '.cache/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['app/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // app/ reaches the engine only through the load context; type-only imports are fine.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/**', '../server/*', '~/../server/*'],
              allowTypeImports: true,
              message: 'app/ reaches the engine through context.engine; import server modules as types only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['planner/**/*.ts'],
    rules: {
      // planner/ is pure: no I/O, no clock, no framework.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'planner/ is pure: no node built-ins.' },
            {
              group: [
                '**/app/**',
                '**/server/**',
                'drizzle-orm',
                'drizzle-orm/*',
                'react',
                'react-dom',
                '@remix-run/*',
              ],
              message: 'planner/ imports nothing from app/, server/, drizzle or React.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'Date', message: 'planner/ takes time as an argument.' }],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'planner/ takes randomness as an argument.' },
      ],
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/app/**', '~/*'], message: 'server/ never imports app/.' }] },
      ],
    },
  },
  {
    // tests poke at untyped JSON answers and deliberately malformed input
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
)
