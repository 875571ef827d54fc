/* global module, process */
// Prints one plain closing line, 'N passed, N failed[, N skipped]', that CI reads after any runner.
// Suites that could not run at all (syntax error, failing import) count as failures: jest counts no test.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    const tail = skipped > 0 ? `, ${skipped} skipped` : '';
    process.stdout.write(`\njest: ${results.numPassedTests} passed, ${failed} failed${tail}\n`);
  }
}

module.exports = SummaryReporter;
