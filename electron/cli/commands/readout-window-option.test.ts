import { describe, expect, it } from 'vitest';
import { parseReadoutWindow } from './readout-window-option';

describe('--readout-window', () => {
  it('reads a tile and radius, full, or nothing', () => {
    expect(parseReadoutWindow('bench-propagation', '8,4')).toEqual({ tile: 8, radius: 4 });
    expect(parseReadoutWindow('bench-propagation', ' 6 , 0 ')).toEqual({ tile: 6, radius: 0 });
    expect(parseReadoutWindow('bench-propagation', '8,4,4')).toEqual({ tile: 8, radius: 4, pool: 4 });
    expect(() => parseReadoutWindow('bench-propagation', '8,4,1')).toThrow(/POOL/);
    expect(parseReadoutWindow('bench-propagation', '0,0,2')).toEqual({ tile: 0, radius: 0, pool: 2 });
    expect(() => parseReadoutWindow('bench-propagation', '0,0')).toThrow(/POOL/);
    expect(parseReadoutWindow('bench-propagation', '8,4,4,8')).toEqual({ tile: 8, radius: 4, pool: 4, poolSide: 8 });
    expect(() => parseReadoutWindow('bench-propagation', '8,4,4,0')).toThrow(/SIDE/);
    expect(() => parseReadoutWindow('bench-propagation', '8,4,0,8')).toThrow(/SIDE/);
    expect(parseReadoutWindow('bench-propagation', 'full')).toBeNull();
    expect(parseReadoutWindow('bench-propagation', undefined)).toBeUndefined();
  });

  it('says what it expects when the text is anything else', () => {
    for (const bad of ['8', '0,4', '8,-1', 'wide', '8,4,2,1,1', '8,4,x']) expect(() => parseReadoutWindow('eval-propagation', bad)).toThrow(/--readout-window is TILE,RADIUS/);
  });
});
