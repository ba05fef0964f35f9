//! Seeded randomness and time helpers shared by the generators.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use rand::{Rng as _, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub(crate) type Rng = ChaCha8Rng;

/// An independent stream per generation phase, so that changing one phase
/// leaves the data of the others unchanged.
pub(crate) fn rng_for(seed: u64, stream: u64) -> Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

pub(crate) fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// Picks a value by integer weights.
pub(crate) fn weighted<T: Copy>(rng: &mut Rng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut r = rng.random_range(0..total);
    for (item, w) in items {
        if r < *w {
            return *item;
        }
        r -= w;
    }
    items[items.len() - 1].0
}

/// Picks an index by float weights (all ≥ 0, at least one > 0).
pub(crate) fn weighted_index(rng: &mut Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut r = rng.random::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if r < *w {
            return i;
        }
        r -= w;
    }
    weights.iter().rposition(|w| *w > 0.0).unwrap_or(0)
}

pub(crate) fn chance(rng: &mut Rng, p: f64) -> bool {
    rng.random_bool(p.clamp(0.0, 1.0))
}

/// A random instant in `[from, to]` at a time of day within `hours` (UTC),
/// when such an instant exists; people do not work at 3 a.m.
pub(crate) fn between_hours(
    rng: &mut Rng,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    hours: (u32, u32),
) -> DateTime<Utc> {
    if to <= from {
        return from;
    }
    let days = (to.date_naive() - from.date_naive()).num_days();
    for _ in 0..8 {
        let date = from.date_naive() + Duration::days(rng.random_range(0..=days));
        let minute = rng.random_range(hours.0 * 60..hours.1 * 60);
        let instant =
            at(date, minute / 60, minute % 60) + Duration::seconds(rng.random_range(0..60));
        if from <= instant && instant <= to {
            return instant;
        }
    }
    between(rng, from, to)
}

/// Waking hours, UTC.
pub(crate) const DAYTIME: (u32, u32) = (6, 21);
/// Office hours of the secretariats, UTC.
pub(crate) const OFFICE: (u32, u32) = (7, 17);

/// `date` at `hour:minute` UTC.
pub(crate) fn at(date: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let time = NaiveTime::from_hms_opt(hour, minute, 0).expect("valid time");
    Utc.from_utc_datetime(&date.and_time(time))
}

/// A uniformly random instant in `[from, to]` (`from` when `to < from`).
pub(crate) fn between(rng: &mut Rng, from: DateTime<Utc>, to: DateTime<Utc>) -> DateTime<Utc> {
    let span = (to - from).num_seconds();
    if span <= 0 {
        return from;
    }
    from + Duration::seconds(rng.random_range(0..=span))
}

pub(crate) fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("valid date")
}

/// `JJ/MM/AAAA`.
pub(crate) fn french_date(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// `HH:MM` from minutes after midnight.
pub(crate) fn hhmm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}
