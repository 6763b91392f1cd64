//! libtorch's CPU threads, set per inference thread. Owns nothing else.
//!
//! libtorch keeps its intra-op thread count per calling thread, but a thread that has not used
//! libtorch yet takes, on first use, the count last set by *any* thread. The VAD stage wants one
//! thread (a 32 ms frame is too little work to share, and more threads steal cycles from ASR);
//! ASR wants `asr.threads`. Each sets its own at its start, after settling its first use.

/// Sets the calling thread's libtorch intra-op threads (0 = one per core).
pub fn set_for_this_thread(threads: u32) {
    // The first use on this thread, so that it cannot later reset what is set here.
    let _ = tch::get_num_threads();
    let threads = match threads {
        0 => std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
        n => n as usize,
    };
    tch::set_num_threads(i32::try_from(threads).unwrap_or(i32::MAX));
}
