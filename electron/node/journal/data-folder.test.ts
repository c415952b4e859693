import { describe, expect, it } from 'vitest';
import { userDataFolder } from './data-folder';

describe('userDataFolder', () => {
  it('follows ISEG_STATE_DIR before anything else', () => {
    expect(userDataFolder({ ISEG_STATE_DIR: '/tmp/x', XDG_DATA_HOME: '/data' }, 'linux', '/home/u')).toBe('/tmp/x');
  });
  it('uses XDG_DATA_HOME on Linux, or ~/.local/share when it is unset or relative', () => {
    expect(userDataFolder({ XDG_DATA_HOME: '/data' }, 'linux', '/home/u')).toBe('/data/iseg-studio');
    expect(userDataFolder({}, 'linux', '/home/u')).toBe('/home/u/.local/share/iseg-studio');
    expect(userDataFolder({ XDG_DATA_HOME: 'rel' }, 'linux', '/home/u')).toBe('/home/u/.local/share/iseg-studio');
  });
  it('uses the usual folders on macOS and Windows', () => {
    expect(userDataFolder({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/iseg-studio');
    expect(userDataFolder({ APPDATA: 'C:/Users/u/AppData/Roaming' }, 'win32', 'C:/Users/u')).toContain('iseg-studio');
  });
});
