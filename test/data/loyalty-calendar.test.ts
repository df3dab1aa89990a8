import assert from 'node:assert/strict';
import { daysBetween, isTimeZone, localDay, nextStreak } from '../../data/loyalty-calendar.js';

const rules = { points: 10, streakBonus: 5, maxStreakBonus: 20 };

describe('loyalty calendar: days and streaks from explicit instants', () => {
  it('puts 23:30 and 00:30 Shanghai time on two days, the same instants on one UTC day', () => {
    const before = new Date('2029-03-01T15:30:00Z'); // 23:30 in Asia/Shanghai (UTC+8)
    const after = new Date('2029-03-01T16:30:00Z'); // 00:30 the next day there
    assert.deepEqual([localDay(before, 'Asia/Shanghai'), localDay(after, 'Asia/Shanghai')], ['2029-03-01', '2029-03-02']);
    assert.deepEqual([localDay(before, 'UTC'), localDay(after, 'UTC')], ['2029-03-01', '2029-03-01']);
    const first = nextStreak(undefined, localDay(before, 'Asia/Shanghai'), rules);
    assert.ok(first.credit);
    const second = nextStreak({ lastDay: first.day, streak: first.streak }, localDay(after, 'Asia/Shanghai'), rules);
    assert.deepEqual(second, { credit: true, day: '2029-03-02', streak: 2, points: 15 });
    assert.deepEqual(nextStreak({ lastDay: '2029-03-01', streak: 1 }, localDay(after, 'UTC'), rules), { credit: false, day: '2029-03-01', streak: 1 });
  });

  it('follows New York across the DST changes (23-hour and 25-hour days)', () => {
    const ny = 'America/New_York';
    // Spring forward 2029-03-11 02:00 EST -> 03:00 EDT.
    assert.equal(localDay(new Date('2029-03-11T04:59:00Z'), ny), '2029-03-10'); // 23:59 EST
    assert.equal(localDay(new Date('2029-03-11T05:00:00Z'), ny), '2029-03-11'); // 00:00 EST
    assert.equal(localDay(new Date('2029-03-12T03:59:00Z'), ny), '2029-03-11'); // 23:59 EDT: a 23-hour day
    assert.equal(localDay(new Date('2029-03-12T04:00:00Z'), ny), '2029-03-12');
    // Fall back 2029-11-04 02:00 EDT -> 01:00 EST: 01:30 happens twice, same day both times.
    assert.equal(localDay(new Date('2029-11-04T05:30:00Z'), ny), '2029-11-04');
    assert.equal(localDay(new Date('2029-11-04T06:30:00Z'), ny), '2029-11-04');
    assert.equal(localDay(new Date('2029-11-05T04:59:00Z'), ny), '2029-11-04'); // 23:59 EST: a 25-hour day
    assert.equal(localDay(new Date('2029-11-05T05:00:00Z'), ny), '2029-11-05');
    // Check-ins 23:59 on each of the three days around spring forward make a 3-day streak.
    let state: { lastDay: string; streak: number } | undefined;
    for (const at of ['2029-03-11T04:59:00Z', '2029-03-12T03:59:00Z', '2029-03-13T03:59:00Z']) {
      const step = nextStreak(state, localDay(new Date(at), ny), rules);
      assert.ok(step.credit, at);
      state = { lastDay: step.day, streak: step.streak };
    }
    assert.equal(state?.streak, 3);
  });

  it('counts days across month and year ends and leap days; a missed day resets, an earlier day credits nothing', () => {
    assert.equal(daysBetween('2028-02-28', '2028-03-01'), 2);
    assert.equal(daysBetween('2029-12-31', '2030-01-01'), 1);
    assert.deepEqual(nextStreak({ lastDay: '2029-12-31', streak: 9 }, '2030-01-01', rules), { credit: true, day: '2030-01-01', streak: 10, points: 30 });
    assert.deepEqual(nextStreak({ lastDay: '2029-12-30', streak: 9 }, '2030-01-01', rules), { credit: true, day: '2030-01-01', streak: 1, points: 10 });
    assert.deepEqual(nextStreak({ lastDay: '2030-01-02', streak: 4 }, '2030-01-01', rules), { credit: false, day: '2030-01-02', streak: 4 });
  });

  it('computes the day from the instant, not the server clock: the same instant gives the same day under any TZ', () => {
    const instant = new Date('2029-07-01T23:30:00Z');
    assert.equal(localDay(instant, 'Asia/Shanghai'), '2029-07-02');
    assert.equal(localDay(instant, 'America/Los_Angeles'), '2029-07-01');
    assert.equal(isTimeZone('Asia/Shanghai'), true);
    assert.equal(isTimeZone('Mars/Olympus'), false);
  });
});
