//! What the decoder is told before each window: hotwords and the previous text (behind
//! `<|startofprev|>`), then the start-of-transcript sequence, as faster-whisper builds it.
//! `PromptContext` keeps the previous text and forgets it when told to (after a high-temperature
//! window, after long silence). Pure; no model.

/// The decoder's context window, in tokens (`n_text_ctx` of every Whisper size).
pub const MAX_TEXT_CONTEXT: usize = 448;

/// `[<|startofprev|> hotwords previous] + sot_sequence`; hotwords get at most half the room and
/// the previous text the most recent part of the other half.
pub fn build_prompt(sot_prev: i64, hotwords: &[i64], previous: &[i64], sot_sequence: &[i64]) -> Vec<i64> {
    let half = MAX_TEXT_CONTEXT / 2;
    let mut prompt = Vec::with_capacity(MAX_TEXT_CONTEXT / 2 + sot_sequence.len() + 1);
    if !hotwords.is_empty() || !previous.is_empty() {
        prompt.push(sot_prev);
        prompt.extend_from_slice(&hotwords[..hotwords.len().min(half - 1)]);
        prompt.extend_from_slice(&previous[previous.len().saturating_sub(half - 1)..]);
    }
    prompt.extend_from_slice(sot_sequence);
    prompt
}

/// The text decoded so far that the next window is conditioned on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PromptContext {
    tokens: Vec<i64>,
}

impl PromptContext {
    /// Starts with `initial` (the encoded `initial_prompt`, if any).
    pub fn new(initial: Vec<i64>) -> Self {
        Self { tokens: initial }
    }

    pub fn tokens(&self) -> &[i64] {
        &self.tokens
    }

    /// Appends a window's text tokens, keeping only what a prompt can use.
    pub fn push(&mut self, tokens: &[i64]) {
        self.tokens.extend_from_slice(tokens);
        let excess = self.tokens.len().saturating_sub(MAX_TEXT_CONTEXT);
        self.tokens.drain(..excess);
    }

    pub fn reset(&mut self) {
        self.tokens.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOT_PREV: i64 = 50360;
    const SOT: [i64; 1] = [50257];

    #[test]
    fn no_context_is_just_the_start_sequence() {
        assert_eq!(build_prompt(SOT_PREV, &[], &[], &SOT), vec![50257]);
    }

    #[test]
    fn hotwords_come_before_the_previous_text() {
        assert_eq!(
            build_prompt(SOT_PREV, &[7, 8], &[1, 2, 3], &SOT),
            vec![SOT_PREV, 7, 8, 1, 2, 3, 50257]
        );
    }

    #[test]
    fn previous_text_keeps_its_most_recent_223_tokens() {
        let previous: Vec<i64> = (0..1000).collect();
        let prompt = build_prompt(SOT_PREV, &[], &previous, &SOT);
        assert_eq!(prompt.len(), 1 + 223 + 1);
        assert_eq!(prompt[1], 1000 - 223);
        assert_eq!(prompt[223], 999);
    }

    #[test]
    fn context_is_bounded_and_can_be_forgotten() {
        let mut context = PromptContext::new(vec![1, 2]);
        context.push(&(0..500).collect::<Vec<_>>());
        assert_eq!(context.tokens().len(), MAX_TEXT_CONTEXT);
        assert_eq!(context.tokens().last(), Some(&499));
        context.reset();
        assert!(context.tokens().is_empty());
    }
}
