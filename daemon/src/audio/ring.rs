//! The preallocated single-producer/single-consumer sample ring between the capture thread and
//! the rest of the audio stage (heapless SPSC: lock-free, no allocation after creation).
//!
//! The capture thread only ever `push`es and never blocks: when the ring is full the new samples
//! are counted as dropped. Must never grow, lock or allocate on the producer side.

use heapless::spsc::{Consumer, Producer, Queue};

/// Samples the ring holds: 2^19 ≈ 32.8 s at 16 kHz, 1 MiB of i16.
pub const RING_CAPACITY: usize = 1 << 19;

pub type SampleRing = Queue<i16, RING_CAPACITY>;

/// Allocates the ring on the heap directly (it is too large for a thread's stack).
pub fn new_ring() -> Box<SampleRing> {
    let mut ring = Box::<SampleRing>::new_uninit();
    // SAFETY: `Queue::new()` is a const constructor; writing it initialises every field.
    unsafe {
        ring.as_mut_ptr().write(Queue::new());
        ring.assume_init()
    }
}

/// Pushes as many of `samples` as fit; returns how many did not.
pub fn push_all(producer: &mut Producer<'_, i16>, samples: &[i16]) -> usize {
    for (i, &sample) in samples.iter().enumerate() {
        if producer.enqueue(sample).is_err() {
            return samples.len() - i;
        }
    }
    0
}

/// Moves up to `out`'s spare capacity from the ring into `out`, as f32 in [-1, 1].
pub fn drain_into(consumer: &mut Consumer<'_, i16>, out: &mut Vec<f32>, limit: usize) -> usize {
    let mut moved = 0;
    while out.len() < limit {
        match consumer.dequeue() {
            Some(sample) => {
                out.push(f32::from(sample) / 32768.0);
                moved += 1;
            }
            None => break,
        }
    }
    moved
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_ring_reports_what_did_not_fit_and_keeps_the_oldest() {
        let mut ring = new_ring();
        let (mut producer, mut consumer) = ring.split();
        let capacity = producer.capacity();
        let block = vec![7i16; capacity - 10];
        assert_eq!(push_all(&mut producer, &block), 0);
        assert_eq!(push_all(&mut producer, &[1; 25]), 15);
        let mut out = Vec::new();
        assert_eq!(drain_into(&mut consumer, &mut out, 4), 4);
        assert_eq!(out, vec![7.0 / 32768.0; 4]);
    }

    #[test]
    fn drain_converts_to_unit_range() {
        let mut ring = new_ring();
        let (mut producer, mut consumer) = ring.split();
        push_all(&mut producer, &[i16::MIN, 0, 16384]);
        let mut out = Vec::new();
        drain_into(&mut consumer, &mut out, 10);
        assert_eq!(out, vec![-1.0, 0.0, 0.5]);
    }
}
