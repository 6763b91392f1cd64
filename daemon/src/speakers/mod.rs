//! Who spoke (issue 17), built up from its front end: so far the Kaldi filterbank the CAM++
//! speaker encoder reads (`fbank`). The encoder, the online clustering and the speakers stage
//! between ASR and the meeting stage come next; nothing here runs in the daemon yet.

pub mod fbank;
