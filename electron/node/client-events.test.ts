import { describe, expect, it } from 'vitest';
import { ClientEvents } from './client-events';

describe('ClientEvents', () => {
  it('hands each event with its client to every subscriber until it unsubscribes', () => {
    const events = new ClientEvents();
    const seen: string[] = [];
    const stop = events.subscribe((clientId, name) => seen.push(`${clientId}:${name}`));
    events.emit('c1', 'app.menu', { command: 'undo' });
    stop();
    events.emit('c2', 'app.menu', { command: 'redo' });
    expect(seen).toEqual(['c1:app.menu']);
  });
});
