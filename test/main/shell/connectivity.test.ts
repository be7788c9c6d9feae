import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { watchConnectivity } from '../../../main/shell/connectivity';
import { progressBarValue, PROGRESS_INDETERMINATE, PROGRESS_NONE } from '../../../main/shell/progress';

function setup(initiallyOnline = true) {
  const powerMonitor = new EventEmitter();
  let online = initiallyOnline;
  const target = { notifyResume: vi.fn(), notifyOnline: vi.fn() };
  let tick: (() => void) | null = null;
  const timers = {
    setInterval: vi.fn((callback: () => void) => {
      tick = callback;
      return 7;
    }),
    clearInterval: vi.fn(),
  };
  const stop = watchConnectivity({
    powerMonitor,
    isOnline: () => online,
    target,
    pollIntervalMs: 5000,
    timers,
  });
  return {
    powerMonitor,
    target,
    timers,
    stop,
    setOnline: (value: boolean) => {
      online = value;
    },
    poll: () => tick?.(),
  };
}

describe('watchConnectivity', () => {
  it('tells the scheduler when the computer wakes up', () => {
    const { powerMonitor, target } = setup();
    powerMonitor.emit('resume');
    expect(target.notifyResume).toHaveBeenCalledTimes(1);
  });

  it('reports each change of the network, and only changes', () => {
    const { target, setOnline, poll, timers } = setup(true);
    expect(timers.setInterval).toHaveBeenCalledWith(expect.any(Function), 5000);
    poll();
    expect(target.notifyOnline).not.toHaveBeenCalled();
    setOnline(false);
    poll();
    poll();
    expect(target.notifyOnline.mock.calls).toEqual([[false]]);
    setOnline(true);
    poll();
    expect(target.notifyOnline.mock.calls).toEqual([[false], [true]]);
  });

  it('reports a network change that happened during sleep before the resume', () => {
    const { powerMonitor, target, setOnline } = setup(false);
    const order: string[] = [];
    target.notifyOnline.mockImplementation((online: boolean) => order.push(`online:${online}`));
    target.notifyResume.mockImplementation(() => order.push('resume'));
    setOnline(true);
    powerMonitor.emit('resume');
    expect(order).toEqual(['online:true', 'resume']);
  });

  it('stops listening and polling when stopped', () => {
    const { powerMonitor, target, timers, stop } = setup();
    stop();
    powerMonitor.emit('resume');
    expect(target.notifyResume).not.toHaveBeenCalled();
    expect(timers.clearInterval).toHaveBeenCalledWith(7);
    expect(powerMonitor.listenerCount('resume')).toBe(0);
  });
});

describe('progressBarValue', () => {
  it.each([
    [{ kind: 'idle' as const }, PROGRESS_NONE],
    [{ kind: 'pulling' as const, table: 'todoitem', received: 250, total: 1000 }, 0.25],
    [{ kind: 'pulling' as const, table: 'todoitem', received: 1200, total: 1000 }, 1],
    [{ kind: 'pulling' as const, table: 'todoitem', received: 10, total: null }, PROGRESS_INDETERMINATE],
    [{ kind: 'pulling' as const, table: 'todoitem', received: 0, total: 0 }, PROGRESS_INDETERMINATE],
    [{ kind: 'pushing' as const, done: 3, total: 4 }, 0.75],
  ])('shows %j as %s', (phase, expected) => {
    expect(progressBarValue(phase)).toBe(expected);
  });

  it('uses -1 to remove the bar and a value above 1 for indeterminate, as Electron reads them', () => {
    expect(PROGRESS_NONE).toBeLessThan(0);
    expect(PROGRESS_INDETERMINATE).toBeGreaterThan(1);
  });
});
