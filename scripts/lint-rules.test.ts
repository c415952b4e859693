// The import-direction rule is what keeps the runtimes apart; check that it really fires.
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

// The project's real config, with type information off (the probe files exist only in memory)
// and only the rule under test running.
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: false } } },
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
});

async function restrictedImports(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: file });
  const fatal = result?.messages.find((m) => m.fatal);
  if (fatal) throw new Error(fatal.message);
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import direction between runtimes', () => {
  it('lets the renderer import only electron/common', async () => {
    expect(await restrictedImports('renderer/src/probe.ts', "export { X } from '../../electron/node/services';\n")).toHaveLength(1);
    expect(await restrictedImports('renderer/src/probe.ts', "export { ipcRenderer } from 'electron';\n")).toHaveLength(1);
    expect(await restrictedImports('renderer/src/probe.ts', "export { readFile } from 'node:fs';\n")).toHaveLength(1);
    expect(await restrictedImports('renderer/src/probe.ts', "export { methods } from '../../electron/common/contract';\n")).toEqual([]);
  });

  it('keeps electron/common pure', async () => {
    expect(await restrictedImports('electron/common/probe.ts', "export { readFile } from 'fs';\n")).toHaveLength(1);
    expect(await restrictedImports('electron/common/probe.ts', "export { app } from 'electron';\n")).toHaveLength(1);
    expect(await restrictedImports('electron/common/probe.ts', "export { X } from '../node/services';\n")).toHaveLength(1);
  });

  it('keeps Electron out of the services and the worker', async () => {
    expect(await restrictedImports('electron/node/probe.ts', "export { app } from 'electron';\n")).toHaveLength(1);
    expect(await restrictedImports('electron/inference/probe.ts', "export { app } from 'electron';\n")).toHaveLength(1);
    expect(await restrictedImports('electron/node/probe.ts', "export { X } from '../main/ipc';\n")).toHaveLength(1);
    expect(await restrictedImports('electron/main/probe.ts', "export { app } from 'electron';\n")).toEqual([]);
  });
});
