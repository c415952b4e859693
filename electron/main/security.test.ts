import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { APP_ENTRY_URL, CONTENT_SECURITY_POLICY, appUrlToFile, hardenedWebPreferences, isTrustedSenderUrl } from './security';
import { menuTemplate } from './menu-template';

describe('window lock-down', () => {
  it('uses a sandboxed, isolated renderer without Node', () => {
    const prefs = hardenedWebPreferences('/p/preload.cjs');
    expect(prefs).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
  });
  it('has a CSP without inline or eval scripts', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(inline|eval)/);
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
  });
  it('trusts only its own origin', () => {
    expect(isTrustedSenderUrl(APP_ENTRY_URL)).toBe(true);
    for (const url of ['https://evil.example/index.html', 'file:///etc/passwd', 'app://other/index.html', '', undefined, 'not a url']) {
      expect(isTrustedSenderUrl(url)).toBe(false);
    }
  });
  it('maps app:// URLs into the renderer folder only', () => {
    expect(appUrlToFile('/r', APP_ENTRY_URL)).toBe(join('/r', 'index.html'));
    expect(appUrlToFile('/r', 'app://iseg/../../etc/passwd')).toBe(join('/r', 'etc/passwd'));
    // URL parsing resolves dot segments, encoded or not, so the result stays inside the folder.
    expect(appUrlToFile('/r', 'app://iseg/%2e%2e/%2e%2e/etc/passwd')).toBe(join('/r', 'etc/passwd'));
    expect(appUrlToFile('/r', 'app://iseg/a%2f..%2f..%2f..%2fetc')).toBeUndefined();
    expect(appUrlToFile('/r', 'app://elsewhere/index.html')).toBeUndefined();
  });
});

describe('menu', () => {
  it('has Open, Save, Export, Undo, Redo and Quit', () => {
    const items = menuTemplate(false).flatMap((m) => m.items);
    const commands = items.map((i) => i.command).filter(Boolean);
    expect(commands).toEqual(['open', 'save', 'export', 'undo', 'redo']);
    expect(items.some((i) => i.role === 'quit')).toBe(true);
  });
});
