import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import globals from 'globals'

/**
 * Layer boundaries (docs/ARCHITECTURE.md), in the style of VS Code's: each
 * folder names what it must not import. A forbidden import fails `npm run lint`
 * (test/unit/lint-layers.test.ts checks that it does).
 */
const LAYERS = 'layers: see docs/ARCHITECTURE.md'
const noImports = (...patterns) => ['error', { patterns }]
const layerRules = [
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': noImports(
        { regex: '(^|/)(main|renderer|preload)(/|$)', message: `src/shared imports nothing of main, renderer or preload (${LAYERS})` },
        { regex: '^(node:|electron$|better-sqlite3$)', message: `src/shared is pure TypeScript that also runs in the renderer: no Node, Electron or SQLite (${LAYERS})` }
      )
    }
  },
  {
    files: ['src/renderer/**/*.{ts,vue}'],
    rules: {
      'no-restricted-imports': noImports(
        { regex: '(^|/)(main|preload)(/|$)', message: `the renderer talks to the back end only through src/renderer/src/api/client.ts (${LAYERS})` },
        { regex: '^(node:|electron$|better-sqlite3$)', message: `the renderer runs in a sandboxed page: no Node, Electron or SQLite (${LAYERS})` },
        { regex: '^(\\.\\./)+shared/', message: 'import shared code as @shared/… (the path alias), not by a relative path' }
      )
    }
  },
  {
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/index.ts', 'src/main/ipc.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: `only src/main/index.ts and ipc.ts import Electron (${LAYERS})` }] }] }
  },
  {
    files: ['src/main/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: `only src/main/index.ts and ipc.ts import Electron (${LAYERS})` }],
          patterns: [{ regex: '^\\.\\./(store|sweep)(/|$)', message: `the engine trains; it imports neither the store nor the sweep layer (${LAYERS})` }]
        }
      ]
    }
  },
  {
    files: ['src/main/analysis/**/*.ts'],
    rules: {
      'no-restricted-imports': noImports(
        { regex: '^\\.\\./(?!\\.\\./shared/)', message: `analysis is pure: it imports only src/shared and its own modules (${LAYERS})` },
        { regex: '^(node:|electron$|better-sqlite3$|@tensorflow/)', message: `analysis is pure: no I/O, no engines (${LAYERS})` }
      )
    }
  }
]

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'native/build/**', 'test-artifacts/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } }
  },
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off'
    }
  },
  {
    files: ['src/renderer/**/*.{ts,vue}'],
    languageOptions: { globals: { ...globals.browser } }
  },
  ...layerRules
)
