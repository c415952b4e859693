import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { contentTypeOf, resolveStaticPath } from './static-files';

describe('resolveStaticPath', () => {
  const root = '/srv/app/dist/renderer';
  it('maps / to index.html and plain paths inside the root', () => {
    expect(resolveStaticPath(root, '/')).toBe(join(root, 'index.html'));
    expect(resolveStaticPath(root, '/app.js?x=1')).toBe(join(root, 'app.js'));
  });
  it('refuses paths that leave the root', () => {
    for (const bad of ['/../secret', '/..%2f..%2fetc%2fpasswd', '/%2e%2e/x', '/a/../../x', '/%00', '/%E0%A4%A']) {
      expect(resolveStaticPath(root, bad)).toBeUndefined();
    }
  });
  it('knows the content types it serves', () => {
    expect(contentTypeOf('x.js')).toMatch(/javascript/);
    expect(contentTypeOf('x.exe')).toBeUndefined();
  });
});
