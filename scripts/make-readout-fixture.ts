/**
 * Writes native-models/fixtures/readout-window.json: a small memory, queries and what the app's
 * read-out (`ReadoutMemory.read`) returns for it with and without windows. The Python training
 * read-out (`readout_windowed` in native-models/isegnet/propagation.py) is tested against this
 * file, and readout.test.ts checks that the TypeScript read-out still gives it, so the two stay
 * one formula.   npx vite-node scripts/make-readout-fixture.ts
 */
import { writeFileSync } from 'node:fs';
import { readoutFixture, READOUT_FIXTURE } from '../electron/common/propagation/readout-fixture';

writeFileSync(READOUT_FIXTURE, `${JSON.stringify(readoutFixture())}\n`);
console.log(`wrote ${READOUT_FIXTURE}`);
