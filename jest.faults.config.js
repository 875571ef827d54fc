/* global module */
// The fault suite (issue 7), apart from `npm test`: `npm run test:faults` runs it with --runInBand.
// It starts its own servers (MariaDB, Temporal dev server, worker process) and stops them in place,
// so it needs no globalSetup; ts-jest only transpiles, as in jest.config.js.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true } }] },
  testMatch: ['<rootDir>/tests/faults/**/*.test.ts'],
  testTimeout: 300_000,
  watchPathIgnorePatterns: ['<rootDir>/tests/\\.artifacts/'],
  reporters: ['default', '<rootDir>/tests/support/summary-reporter.js'],
};
