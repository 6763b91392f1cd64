//! Who spoke (issue 17), built up from the bottom: the Kaldi filterbank (`fbank`) and the CAM++
//! speaker encoder (`campplus`), each checked against its reference. The online clustering and
//! the speakers stage between ASR and the meeting stage come next; nothing here runs in the
//! daemon yet.

pub mod campplus;
pub mod fbank;
