// The panel's size history per Dockerfile: newest last, capped, tolerant of stored junk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_ENTRIES, SizeHistory, type Store } from '../../client/src/panel/size-history';

function memoryStore(initial: Record<string, unknown> = {}): Store {
  const values = new Map(Object.entries(initial));
  return {
    get: <T>(key: string) => values.get(key) as T | undefined,
    update: async (key: string, value: unknown) => void (value === undefined ? values.delete(key) : values.set(key, value)),
  };
}

test('entries per Dockerfile, newest last, with before/after marks', async () => {
  const history = new SizeHistory(memoryStore());
  await history.add('file:///a/Dockerfile', { time: 1, size: 900, imageId: 'sha256:1', mark: 'before' });
  await history.add('file:///a/Dockerfile', { time: 2, size: 9, imageId: 'sha256:2', mark: 'after' });
  await history.add('file:///b/Dockerfile', { time: 3, size: 5, imageId: 'sha256:3' });
  assert.deepEqual(history.entries('file:///a/Dockerfile').map((entry) => [entry.size, entry.mark]), [[900, 'before'], [9, 'after']]);
  assert.equal(history.entries('file:///b/Dockerfile').length, 1);
  await history.clear('file:///a/Dockerfile');
  assert.deepEqual(history.entries('file:///a/Dockerfile'), []);
});

test(`keeps the last ${MAX_ENTRIES} builds`, async () => {
  const history = new SizeHistory(memoryStore());
  for (let time = 0; time < MAX_ENTRIES + 5; time++) await history.add('u', { time, size: time, imageId: `sha256:${time}` });
  const entries = history.entries('u');
  assert.equal(entries.length, MAX_ENTRIES);
  assert.equal(entries[0].time, 5);
});

test('stored values that are not entries are ignored', () => {
  const history = new SizeHistory(memoryStore({ 'dockerfileSlim.sizeHistory:u': [{ time: 1, size: 2, imageId: 'x' }, null, { time: 'x' }, 7] }));
  assert.equal(history.entries('u').length, 1);
  assert.deepEqual(new SizeHistory(memoryStore({ 'dockerfileSlim.sizeHistory:u': 'junk' })).entries('u'), []);
});
