/* global module */
// Four projects. Integration and browser tests share one Temporal dev server, one fresh database and one
// workflow bundle per run: jest runs a globalSetup path once even when several projects name it, and not
// at all when only unit tests run (`npm run test:unit` stays instant and needs no server).
// Type checking is `npm run typecheck`'s job, so ts-jest only transpiles (isolatedModules): much faster.
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true } }] };

const base = {
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform,
};

const withServers = {
  ...base,
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
  // jest 29 reads testTimeout from the top level only: the longer timeout is set per project here.
  setupFilesAfterEnv: ['<rootDir>/tests/support/slow-tests.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/tests/unit/**/*.test.ts'] },
    { ...withServers, displayName: 'integration', testMatch: ['<rootDir>/tests/integration/**/*.test.ts'] },
    { ...withServers, displayName: 'browser', testMatch: ['<rootDir>/tests/browser/**/*.test.ts'] },
    // Authorization matrix, CSRF, sessions, brute force, injection, headers, uploads, logs.
    { ...withServers, displayName: 'security', testMatch: ['<rootDir>/tests/security/**/*.test.ts'] },
  ],
  // Each run writes its server logs and workflow bundle there: not a reason to re-run in watch mode.
  watchPathIgnorePatterns: ['<rootDir>/tests/\\.artifacts/'],
  // A plain closing line ('N passed, N failed') that CI reads, after jest's own summary.
  reporters: ['default', '<rootDir>/tests/support/summary-reporter.js'],
};
