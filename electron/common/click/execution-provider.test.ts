import { describe, expect, it } from 'vitest';
import { createWithFallback, parseExecutionProviderPreference, planExecutionProviders } from './execution-provider';

const linux = { platform: 'linux', arch: 'x64', cudaBinaries: false };
const linuxGpu = { ...linux, cudaBinaries: true };
const windows = { platform: 'win32', arch: 'x64', cudaBinaries: false };
const mac = { platform: 'darwin', arch: 'arm64', cudaBinaries: false };

describe('execution provider plan', () => {
  it('prefers the platform accelerator in auto mode and always ends with CPU', () => {
    expect(planExecutionProviders('auto', linux).order).toEqual(['cpu']);
    expect(planExecutionProviders('auto', linuxGpu).order).toEqual(['cuda', 'cpu']);
    expect(planExecutionProviders('auto', windows).order).toEqual(['dml', 'cpu']);
    expect(planExecutionProviders('auto', { ...windows, cudaBinaries: true }).order).toEqual(['cuda', 'dml', 'cpu']);
    expect(planExecutionProviders('auto', mac).order).toEqual(['coreml', 'cpu']);
    expect(planExecutionProviders('auto', { ...linuxGpu, arch: 'arm64' }).order).toEqual(['cpu']);
  });

  it('honours an explicit choice, and says why when it is not available', () => {
    expect(planExecutionProviders('cpu', linuxGpu)).toEqual({ order: ['cpu'], notes: [] });
    expect(planExecutionProviders('cuda', linuxGpu).order).toEqual(['cuda', 'cpu']);
    const cuda = planExecutionProviders('cuda', linux);
    expect(cuda.order).toEqual(['cpu']);
    expect(cuda.notes[0]).toMatch(/CUDA libraries are not installed/);
    expect(planExecutionProviders('dml', mac).notes[0]).toMatch(/DirectML .* not available on darwin-arm64/);
  });

  it('parses settings and --ep values', () => {
    expect(parseExecutionProviderPreference('CUDA')).toBe('cuda');
    expect(parseExecutionProviderPreference('directml')).toBe('dml');
    expect(parseExecutionProviderPreference('auto')).toBe('auto');
    expect(parseExecutionProviderPreference('tpu')).toBeUndefined();
    expect(parseExecutionProviderPreference(undefined)).toBeUndefined();
  });
});

describe('fallback when a session cannot be created', () => {
  it('tries each provider in order and records the failures', async () => {
    const tried: string[] = [];
    const result = await createWithFallback(planExecutionProviders('auto', { ...windows, cudaBinaries: true }), (ep) => {
      tried.push(ep);
      return ep === 'cpu' ? Promise.resolve(`session on ${ep}`) : Promise.reject(new Error(`${ep} failed`));
    });
    expect(tried).toEqual(['cuda', 'dml', 'cpu']);
    expect(result.ep).toBe('cpu');
    expect(result.value).toBe('session on cpu');
    expect(result.attempts).toEqual([{ ep: 'cuda', error: 'cuda failed' }, { ep: 'dml', error: 'dml failed' }, { ep: 'cpu' }]);
  });

  it('fails with every reason when even the CPU fails', async () => {
    await expect(createWithFallback(planExecutionProviders('auto', linux), () => Promise.reject(new Error('bad model')))).rejects.toThrow(
      /No execution provider could run the model \(CPU: bad model\)/,
    );
  });
});
