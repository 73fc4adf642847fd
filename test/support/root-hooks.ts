import { stopSharedFixtures } from './fixtures';

/** Mocha root hooks: shared fixtures end with the run, pass or fail. */
export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(30_000);
    await stopSharedFixtures();
  },
};
