import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventHub } from './event-hub';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('EventHub', () => {
  it('delivers a valid event to every listener even when one throws, and drops a malformed one', () => {
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const hub = new EventHub();
    const seen: string[] = [];
    hub.on('app.menu', () => {
      throw new Error('listener bug');
    });
    hub.on('app.menu', (payload) => seen.push(payload.command));
    expect(() => {
      hub.emit('app.menu', { command: 'open' });
    }).not.toThrow();
    expect(seen).toEqual(['open']);
    expect(quiet).toHaveBeenCalledWith('A app.menu listener failed:', expect.any(Error));
    hub.emit('app.menu', { command: 'format-disk' });
    hub.emit('no.such.event', {});
    expect(seen).toEqual(['open']);
  });
});
