/**
 * The fixtures of the suite's `test`, picked by name: what a detector's
 * helper takes, typed once.
 */
import type { test } from '../../../fixtures/index.ts'

type TestArgs = Parameters<Parameters<typeof test>[2]>[0]

export type FixturesOf<K extends keyof TestArgs> = Pick<TestArgs, K>
