// The problems parseScenario reports for a broken scenario, for the tests that break one on purpose.

import { expect } from 'vitest';
import { parseScenario, ScenarioError } from '../../src/stack/scenario/validate';

/** The problems parseScenario reports for `input`; fails the test if it does not throw a ScenarioError. */
export function problemsOf(input: unknown): string[] {
  try {
    parseScenario(input);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return (e as ScenarioError).problems;
  }
  throw new Error('parseScenario accepted a broken scenario');
}
