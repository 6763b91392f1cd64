//! The preallocated single-producer/single-consumer ring of 16 kHz samples between the capture
//! thread and the audio stage (heapless SPSC: lock-free, no allocation after creation).
//!
//! The producer (capture thread) only ever pushes and never blocks. Keeping the newest audio is
//! the consumer's job: when the daemon lags, the stage discards the oldest samples to make room
//! (`discard_oldest`), so the producer finds space; both kinds of loss are counted by the
//! caller. Must never grow, lock or allocate on the producer side.

use heapless::spsc::{Consumer, Producer, Queue, QueueView};

/// The ring's capacities: powers of two from 0.5 s to about 4.4 min of 16 kHz audio.
const MIN_CAPACITY: usize = 1 << 13;
const MAX_CAPACITY: usize = 1 << 22;

/// Creates a ring holding at least `samples` (rounded up to a power of two within the supported
/// range), lends it to `run`, and frees it afterwards.
pub fn with_ring<R>(samples: usize, run: impl FnOnce(&mut QueueView<f32>) -> R) -> R {
    match samples.clamp(MIN_CAPACITY, MAX_CAPACITY).next_power_of_two() {
        0..=8_192 => boxed::<8_192, R>(run),
        16_384 => boxed::<16_384, R>(run),
        32_768 => boxed::<32_768, R>(run),
        65_536 => boxed::<65_536, R>(run),
        131_072 => boxed::<131_072, R>(run),
        262_144 => boxed::<262_144, R>(run),
        524_288 => boxed::<524_288, R>(run),
        1_048_576 => boxed::<1_048_576, R>(run),
        2_097_152 => boxed::<2_097_152, R>(run),
        _ => boxed::<4_194_304, R>(run),
    }
}

/// Allocates the queue on the heap directly (it is too large for a thread's stack).
fn boxed<const N: usize, R>(run: impl FnOnce(&mut QueueView<f32>) -> R) -> R {
    let mut ring = Box::<Queue<f32, N>>::new_uninit();
    // SAFETY: `Queue::new()` is a const constructor; writing it initialises every field.
    let mut ring = unsafe {
        ring.as_mut_ptr().write(Queue::new());
        ring.assume_init()
    };
    run(ring.as_mut_view())
}

/// Pushes as many of `samples` as fit; returns how many did not.
pub fn push_all(producer: &mut Producer<'_, f32>, samples: &[f32]) -> usize {
    for (i, &sample) in samples.iter().enumerate() {
        if producer.enqueue(sample).is_err() {
            return samples.len() - i;
        }
    }
    0
}

/// Moves samples from the ring into `out` until it holds `limit`; returns how many moved.
pub fn drain_into(consumer: &mut Consumer<'_, f32>, out: &mut Vec<f32>, limit: usize) -> usize {
    let mut moved = 0;
    while out.len() < limit {
        match consumer.dequeue() {
            Some(sample) => {
                out.push(sample);
                moved += 1;
            }
            None => break,
        }
    }
    moved
}

/// Drops the oldest samples until at most `keep` remain; returns how many were dropped.
pub fn discard_oldest(consumer: &mut Consumer<'_, f32>, keep: usize) -> usize {
    let mut dropped = 0;
    while consumer.len() > keep && consumer.dequeue().is_some() {
        dropped += 1;
    }
    dropped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_is_at_least_what_was_asked_for() {
        for asked in [1, 8_192, 20_000, 160_000, 1 << 22] {
            let capacity = with_ring(asked, |ring| ring.split().0.capacity());
            assert!(capacity + 1 >= asked.min(MAX_CAPACITY), "{asked} → {capacity}");
        }
    }

    #[test]
    fn full_ring_reports_what_did_not_fit() {
        with_ring(MIN_CAPACITY, |ring| {
            let (mut producer, mut consumer) = ring.split();
            let capacity = producer.capacity();
            assert_eq!(push_all(&mut producer, &vec![0.5; capacity - 10]), 0);
            assert_eq!(push_all(&mut producer, &[1.0; 25]), 15);
            let mut out = Vec::new();
            assert_eq!(drain_into(&mut consumer, &mut out, 4), 4);
            assert_eq!(out, vec![0.5; 4]);
        });
    }

    #[test]
    fn discarding_keeps_the_newest_samples() {
        with_ring(MIN_CAPACITY, |ring| {
            let (mut producer, mut consumer) = ring.split();
            let samples: Vec<f32> = (0..100).map(|i| i as f32).collect();
            push_all(&mut producer, &samples);
            assert_eq!(discard_oldest(&mut consumer, 30), 70);
            let mut out = Vec::new();
            drain_into(&mut consumer, &mut out, 100);
            assert_eq!(out, samples[70..]);
        });
    }
}
