//! Who spoke (issue 17), built up from the bottom: the Kaldi filterbank (`fbank`) and the CAM++
//! speaker encoder (`campplus`), each checked against its reference, and the clustering rules
//! (`cluster`: online labels, end-of-meeting re-clustering). The speakers stage between ASR and
//! the meeting stage, its thresholds measured on the corpora, comes next; nothing here runs in
//! the daemon yet.

pub mod campplus;
pub mod cluster;
pub mod fbank;
