// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/*
 * Architecture fences: which src/ folder may import which. ESLint keeps one `no-restricted-imports`
 * setting per file (a later block replaces an earlier one, it does not add to it), so every block
 * below lists all the fences of its files. test/unit/lint-fences.test.ts shows each fence failing
 * on a forbidden import and passing an allowed one.
 */

/** The chat SDK stays in src/bot; tests may still use its TestAdapter. */
const BOTBUILDER = {
  group: ['botbuilder*', 'botframework-*'],
  message:
    'Only src/bot may import botbuilder or botframework-* packages: other folders use the types src/bot exports.',
};

/** Services are the domain: the chat, the composition, the simulator and the agent build on them. */
const SERVICES_LAYERS = {
  group: [
    '**/bot',
    '**/bot/**',
    '**/app',
    '**/app/**',
    '**/sim',
    '**/sim/**',
    '**/relay-agent',
    '**/relay-agent/**',
  ],
  message:
    'src/services must not import src/bot, src/app, src/sim or src/relay-agent: those build on services.',
};

/** Configuration is read in production too; the demo tenant is handed in, not imported. */
const CONFIG_WITHOUT_SIM = {
  group: ['**/sim', '**/sim/**'],
  message: 'src/config must not import src/sim: demo values are passed in (loadConfig(env, demoDefaults)).',
};

/** How many folders below src/relay-agent and src/shared their fences reach. */
const MAX_DEPTH = 3;

/**
 * No-restricted-imports settings for the files of `folder` (under src/), one block per depth below
 * it (down to MAX_DEPTH), refusing a relative import that climbs out of the folder unless it goes
 * into one of `allowed` (sibling folders of `folder` under src/). A specifier does not say where its
 * file is, so each depth gets the number of `../` that leaves the folder.
 * @param {string} folder
 * @param {string[]} allowed
 * @param {string} message
 */
function confinedTo(folder, allowed, message) {
  const into = allowed.length > 0 ? `(?!(${allowed.join('|')})(/|$))` : '';
  return Array.from({ length: MAX_DEPTH + 1 }, (_, depth) => ({
    files: [`src/${folder}/${'*/'.repeat(depth)}*.ts`],
    rules: restricted(BOTBUILDER, { regex: `^(\\.\\./){${depth + 1}}${into}`, message }),
  }));
}

/** @param {...object} patterns */
function restricted(...patterns) {
  return { 'no-restricted-imports': ['error', { patterns }] };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-output/**', '.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
    },
  },
  { files: ['src/**/*.ts'], ignores: ['src/bot/**'], rules: restricted(BOTBUILDER) },
  { files: ['src/services/**/*.ts'], rules: restricted(BOTBUILDER, SERVICES_LAYERS) },
  { files: ['src/config/**/*.ts'], rules: restricted(BOTBUILDER, CONFIG_WITHOUT_SIM) },
  ...confinedTo(
    'relay-agent',
    ['shared'],
    'src/relay-agent may import only src/shared, its own files and packages: it runs on the sync server without the bot.',
  ),
  ...confinedTo(
    'packaging',
    ['shared'],
    'src/packaging builds what is shipped (the Teams app package, the relay zip); it may import only src/shared and packages.',
  ),
  ...confinedTo(
    'shared',
    [],
    'src/shared may import only src/shared and packages: the bot and the relay agent both build on it.',
  ),
  {
    files: [
      'test/**/*.ts',
      'bench/**/*.ts',
      'src/main.ts',
      'src/sim/demo/start-demo.ts',
      'src/packaging/*-cli.ts',
    ],
    rules: { 'no-console': 'off' },
  },
);
