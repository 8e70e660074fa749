// Long run of the merge property (lib/mergeProperty.ts): `npx tsx scripts/merge-fuzz.ts [runs] [seed]`.
// Every scenario runs even after a failure, so the failure count is meaningful; the first failure is
// then shrunk by fast-check and printed with its seed so it can be replayed.
import fc from 'fast-check';
import { checkMergeScenario, mergeProperty, mergeScenarioArbitrary, type MergeOutcome } from '../testing/mergeProperty';

const runs = Number(process.argv[2] ?? 10_000);
const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
if (!Number.isInteger(runs) || runs <= 0 || !Number.isInteger(seed)) {
  console.error('usage: merge-fuzz.ts [runs=10000] [seed]');
  process.exit(2);
}

const started = performance.now();
const totals: MergeOutcome = { sets: 0, adjustments: 0, conflicts: 0, refusedWithoutOrder: 0 };
const failures = new Map<string, number>();
let firstFailure: Error | undefined;
for (const scenario of fc.sample(mergeScenarioArbitrary, { numRuns: runs, seed })) {
  try {
    const outcome = checkMergeScenario(scenario);
    for (const key of Object.keys(totals) as (keyof MergeOutcome)[]) totals[key] += outcome[key];
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0].replace(/\{.*/, '…') : String(error);
    failures.set(message, (failures.get(message) ?? 0) + 1);
    firstFailure ??= error as Error;
  }
}
const seconds = (performance.now() - started) / 1000;
const failed = [...failures.values()].reduce((a, b) => a + b, 0);
console.log(`runs: ${runs}  failures: ${failed}  time: ${seconds.toFixed(1)} s  seed: ${seed}`);
console.log(`issued sets: ${totals.sets}  adjustments: ${totals.adjustments}  conflict records: ${totals.conflicts}  row edits refused while an order was missing: ${totals.refusedWithoutOrder}`);
for (const [message, count] of failures) console.log(`  ${count} × ${message}`);
if (firstFailure) {
  console.log('\nfirst failure:', firstFailure.message);
  const shrunk = fc.check(mergeProperty, { numRuns: runs, seed });
  if (shrunk.failed) console.log('\nshrunk counterexample:', JSON.stringify(shrunk.counterexample), '\n', shrunk.errorInstance);
  process.exit(1);
}
