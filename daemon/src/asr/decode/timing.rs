//! Word-level timestamps from cross-attention, as the reference `timing.py` computes them: the
//! alignment heads' attention of each text token over the audio frames is normalised, median
//! filtered over time, averaged over heads, and aligned to the frames by dynamic time warping;
//! a word starts where its first token's path jumps. A word's probability is the mean of its
//! tokens' (the reference's `WordTiming.probability`). Pure functions over plain matrices.

/// Seconds per encoder frame (the encoder halves the 10 ms mel frames).
pub const SECONDS_PER_FRAME: f64 = 0.02;

/// A word of decoded text with its time span (seconds from the window start) and how sure the
/// model was of it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlignedWord {
    pub text: String,
    pub start: f64,
    pub end: f64,
    /// The mean probability of its tokens, each given the text before it (0 to 1).
    pub probability: f32,
}

/// A row-major matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<f32>,
}

impl Matrix {
    pub fn at(&self, r: usize, c: usize) -> f32 {
        self.data[r * self.cols + c]
    }
}

/// Standardises each column (over rows) to zero mean and unit variance, then median-filters
/// each row over `width` columns: what the reference does to every head's attention.
pub fn normalise_and_filter(head: &Matrix, width: usize) -> Matrix {
    let mut data = head.data.clone();
    for c in 0..head.cols {
        let column: Vec<f32> = (0..head.rows).map(|r| head.at(r, c)).collect();
        let mean = column.iter().sum::<f32>() / head.rows as f32;
        let variance = column.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / head.rows as f32;
        let std = variance.sqrt().max(1e-10);
        for r in 0..head.rows {
            data[r * head.cols + c] = (head.at(r, c) - mean) / std;
        }
    }
    let half = width / 2;
    let mut filtered = data.clone();
    let mut window = Vec::with_capacity(width);
    for r in 0..head.rows {
        let row = &data[r * head.cols..(r + 1) * head.cols];
        for c in 0..head.cols {
            // Reflect at the edges, as scipy/whisper's median filter pads.
            window.clear();
            for k in 0..width {
                let offset = c as isize + k as isize - half as isize;
                let index = if offset < 0 {
                    (-offset) as usize
                } else if offset as usize >= head.cols {
                    2 * (head.cols - 1) - offset as usize
                } else {
                    offset as usize
                };
                window.push(row[index.min(head.cols - 1)]);
            }
            window.sort_by(f32::total_cmp);
            filtered[r * head.cols + c] = window[half];
        }
    }
    Matrix {
        rows: head.rows,
        cols: head.cols,
        data: filtered,
    }
}

/// Dynamic time warping over `cost` (lower is better): the monotonic path from (0, 0) to the
/// last cell, as (row, column) pairs in order.
pub fn dtw(cost: &Matrix) -> Vec<(usize, usize)> {
    let (n, m) = (cost.rows, cost.cols);
    if n == 0 || m == 0 {
        return Vec::new();
    }
    let mut total = vec![f32::INFINITY; (n + 1) * (m + 1)];
    let mut step = vec![0u8; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    total[0] = 0.0;
    for i in 1..=n {
        for j in 1..=m {
            let candidates = [total[at(i - 1, j - 1)], total[at(i - 1, j)], total[at(i, j - 1)]];
            let (choice, best) = candidates
                .iter()
                .copied()
                .enumerate()
                .fold((0, f32::INFINITY), |b, (k, v)| if v < b.1 { (k, v) } else { b });
            total[at(i, j)] = cost.at(i - 1, j - 1) + best;
            step[at(i, j)] = choice as u8;
        }
    }
    let (mut i, mut j) = (n, m);
    let mut path = Vec::with_capacity(n + m);
    while i > 0 && j > 0 {
        path.push((i - 1, j - 1));
        match step[at(i, j)] {
            0 => (i, j) = (i - 1, j - 1),
            1 => i -= 1,
            _ => j -= 1,
        }
    }
    path.reverse();
    path
}

/// Splits tokens into words: a word begins with a token that starts with a space, or that is
/// punctuation. Returns (word text, index of its first token, one past its last).
pub fn split_words(token_texts: &[String]) -> Vec<(String, usize, usize)> {
    let mut words: Vec<(String, usize, usize)> = Vec::new();
    for (i, text) in token_texts.iter().enumerate() {
        let is_punctuation = !text.trim().is_empty() && text.trim().chars().all(|c| c.is_ascii_punctuation());
        let starts_word = words.is_empty() || text.starts_with(' ') || is_punctuation;
        match words.last_mut() {
            Some(last) if !starts_word => {
                last.0.push_str(text);
                last.2 = i + 1;
            }
            _ => words.push((text.clone(), i, i + 1)),
        }
    }
    words
}

/// Attaches punctuation-only words to the word before (closing marks) or after (opening marks);
/// the word keeps its own probability, as in the reference.
pub fn merge_punctuation(words: Vec<AlignedWord>) -> Vec<AlignedWord> {
    const OPENING: &str = "\"'“¿([{-";
    let mut merged: Vec<AlignedWord> = Vec::with_capacity(words.len());
    let mut pending_opening = String::new();
    for word in words {
        let trimmed = word.text.trim();
        let is_punctuation = !trimmed.is_empty() && trimmed.chars().all(|c| c.is_ascii_punctuation());
        if is_punctuation && trimmed.chars().all(|c| OPENING.contains(c)) {
            pending_opening.push_str(trimmed);
        } else if is_punctuation && !merged.is_empty() {
            if let Some(last) = merged.last_mut() {
                last.text.push_str(trimmed);
            }
        } else if pending_opening.is_empty() {
            merged.push(word);
        } else {
            let text = format!(" {}{}", std::mem::take(&mut pending_opening), word.text.trim_start());
            merged.push(AlignedWord { text, ..word });
        }
    }
    merged
}

/// Word times from a DTW path over (token rows, frame columns): each word starts at the frame
/// where the path first reaches its first token, and ends where the next word starts. Its
/// probability is the mean of `token_probabilities` over its tokens (1 where they are missing).
pub fn word_times(
    path: &[(usize, usize)],
    words: &[(String, usize, usize)],
    token_probabilities: &[f32],
) -> Vec<AlignedWord> {
    // The frame at which the path jumps to each token row.
    let mut jump_frame: Vec<Option<usize>> = Vec::new();
    let mut previous_row = None;
    for &(row, col) in path {
        if previous_row != Some(row) {
            if jump_frame.len() <= row {
                jump_frame.resize(row + 1, None);
            }
            jump_frame[row] = Some(col);
            previous_row = Some(row);
        }
    }
    let last_frame = path.last().map_or(0, |p| p.1);
    let time_of = |row: usize| jump_frame.get(row).copied().flatten().unwrap_or(last_frame) as f64 * SECONDS_PER_FRAME;
    let probability_of = |first: usize, end: usize| {
        let probabilities = token_probabilities.get(first..end).unwrap_or_default();
        if probabilities.is_empty() {
            1.0
        } else {
            probabilities.iter().sum::<f32>() / probabilities.len() as f32
        }
    };
    words
        .iter()
        .map(|(text, first, end)| AlignedWord {
            text: text.clone(),
            start: time_of(*first),
            end: time_of(*end),
            probability: probability_of(*first, *end),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dtw_follows_the_cheap_diagonal() {
        // Three tokens, six frames: token i is cheap at frames 2i and 2i+1.
        let mut data = vec![1.0; 18];
        for i in 0..3 {
            data[i * 6 + 2 * i] = 0.0;
            data[i * 6 + 2 * i + 1] = 0.0;
        }
        let path = dtw(&Matrix { rows: 3, cols: 6, data });
        assert_eq!(path.first(), Some(&(0, 0)));
        assert_eq!(path.last(), Some(&(2, 5)));
        assert!(
            path.windows(2).all(|w| w[1].0 >= w[0].0 && w[1].1 >= w[0].1),
            "monotonic"
        );
        let rows_at: Vec<usize> = (0..6)
            .map(|c| path.iter().filter(|p| p.1 == c).map(|p| p.0).max().unwrap())
            .collect();
        assert_eq!(rows_at, vec![0, 0, 1, 1, 2, 2]);
    }

    #[test]
    fn words_start_at_spaces_and_punctuation() {
        let tokens: Vec<String> = [" And", " so", " my", " fel", "low", " Americans", ","]
            .map(String::from)
            .to_vec();
        let words = split_words(&tokens);
        let texts: Vec<&str> = words.iter().map(|w| w.0.as_str()).collect();
        assert_eq!(texts, [" And", " so", " my", " fellow", " Americans", ","]);
        assert_eq!((words[3].1, words[3].2), (3, 5));
    }

    fn word(text: &str, start: f64, end: f64, probability: f32) -> AlignedWord {
        AlignedWord {
            text: text.to_owned(),
            start,
            end,
            probability,
        }
    }

    #[test]
    fn punctuation_joins_its_neighbour_which_keeps_its_probability() {
        let words = vec![
            word(" ask", 1.0, 1.5, 0.9),
            word(" not", 1.5, 2.0, 0.8),
            word(",", 2.0, 2.0, 0.1),
            word(" \"", 2.0, 2.0, 0.2),
            word("what", 2.1, 2.4, 0.7),
        ];
        let merged = merge_punctuation(words);
        assert_eq!(
            merged,
            [
                word(" ask", 1.0, 1.5, 0.9),
                word(" not,", 1.5, 2.0, 0.8),
                word(" \"what", 2.1, 2.4, 0.7)
            ]
        );
    }

    #[test]
    fn word_times_come_from_the_path_jumps_and_probabilities_from_the_tokens() {
        let path = [(0, 0), (0, 1), (1, 2), (1, 3), (2, 4), (2, 5)];
        let words = vec![(" a".to_owned(), 0, 1), (" b".to_owned(), 1, 3)];
        let times = word_times(&path, &words, &[0.9, 0.5, 0.2]);
        assert_eq!(times[0], word(" a", 0.0, 0.04, 0.9));
        assert!(
            (times[1].start - 0.04).abs() < 1e-9 && (times[1].end - 0.1).abs() < 1e-9,
            "{times:?}"
        );
        assert!((times[1].probability - 0.35).abs() < 1e-6, "{times:?}");
        let unknown = word_times(&path, &words, &[]);
        assert_eq!(unknown[1].probability, 1.0);
    }

    #[test]
    fn median_filter_removes_a_lone_spike() {
        let head = Matrix {
            rows: 2,
            cols: 7,
            data: vec![0., 0., 0., 9., 0., 0., 0., 1., 1., 1., 1., 1., 1., 1.],
        };
        let filtered = normalise_and_filter(&head, 3);
        assert!(filtered.at(0, 3) < 0.5, "{:?}", filtered.data);
    }
}
