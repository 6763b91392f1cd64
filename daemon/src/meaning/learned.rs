//! Learned sentence scorers: how likely a sentence is to hand out or take on work, or to state
//! what the meeting decided, from its words and word pairs (each also with its numbers, days and
//! names read as their class, `word_classes`), the words of the sentences around it and a few
//! flags (whether someone else speaks next; for decisions also whether whoever runs
//! the meeting says it, whether it asks and whether it is short, and its first word). A logistic
//! regression over TF-IDF vectors (sub-linear term counts, smoothed inverse document frequency,
//! each vector of unit length), trained with L-BFGS on an L2-regularised, class-balanced log loss
//! (scikit-learn's `LogisticRegression(C=8, class_weight="balanced")` objective).
//!
//! They find work handed out and rulings made without the cue words the rules look for ("Marta,
//! the van and the crates." "Fine."; "This one goes to the Joint Office."), which is where the
//! rules generalise worst; they say nothing of owners, dates or what was decided, which stay the
//! rules' job (`actions`, `decisions`).
//!
//! Owns the features, the training and the scorers' text form. Shared with `build.rs`, which
//! trains the scorers from the written meetings in `tests/fixtures` when the crate is built (so
//! no learned weights are kept in git; the same sources give the same scorer on the same build
//! host, whose maths library computes `exp` and `ln`). Uses only the standard library, never
//! does I/O and never reads a clock.

use std::collections::HashMap;

use super::english_words;

/// One sentence as a scorer sees it.
#[derive(Debug, Clone)]
pub struct SentenceView<'a> {
    pub text: &'a str,
    /// The sentences just before and after it ("" at the meeting's ends).
    pub before: &'a str,
    pub after: &'a str,
    /// The sentence after `after` ("" near the meeting's end).
    pub after_next: &'a str,
    /// The next sentence is someone else's.
    pub next_is_someone_else: bool,
    /// Whoever runs the meeting says it: in training, the chair the truth names; in a meeting,
    /// whoever has led it so far (`chair::running`'s `leader`, as for the rules).
    pub by_leader: bool,
}

/// What a scorer tells apart, and so which features it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// Work handed out or taken on: the sentence's terms, its two neighbours' words and whether
    /// someone else speaks next.
    ActionItem,
    /// A ruling: as for work, plus the words of the sentence after next, the first word, and
    /// whether whoever runs the meeting says it, whether it asks and whether it is short
    /// (a ruling is often said by whoever runs the meeting, closing the talk before it).
    Decision,
}

impl Reading {
    fn name(self) -> &'static str {
        match self {
            Reading::ActionItem => "action_item",
            Reading::Decision => "decision",
        }
    }

    /// The neighbours whose words it reads, each with its weight against the sentence's own.
    fn neighbour_weights(self) -> &'static [f64] {
        match self {
            Reading::ActionItem => &[NEIGHBOUR_WEIGHT, NEIGHBOUR_WEIGHT],
            Reading::Decision => &[NEIGHBOUR_WEIGHT, NEIGHBOUR_WEIGHT, FAR_NEIGHBOUR_WEIGHT],
        }
    }

    /// How many sentences after its own it reads: every neighbour but the one before.
    pub fn reads_ahead(self) -> usize {
        self.neighbour_weights().len() - 1
    }

    /// The neighbours' texts, in the order of `neighbour_weights`.
    fn neighbours<'a>(self, view: &SentenceView<'a>) -> Vec<&'a str> {
        let mut neighbours = vec![view.before, view.after];
        if self == Reading::Decision {
            neighbours.push(view.after_next);
        }
        neighbours
    }

    /// The flags, each 0 or 1.
    fn flags(self, view: &SentenceView<'_>) -> Vec<bool> {
        match self {
            Reading::ActionItem => vec![view.next_is_someone_else],
            Reading::Decision => vec![
                view.next_is_someone_else,
                view.by_leader,
                view.text.trim_end().ends_with('?'),
                tokens(view.text).len() <= SHORT_SENTENCE_WORDS,
            ],
        }
    }

    fn flag_count(self) -> usize {
        match self {
            Reading::ActionItem => 1,
            Reading::Decision => 4,
        }
    }
}

/// How much the neighbours' words count against the sentence's own.
const NEIGHBOUR_WEIGHT: f64 = 0.5;
/// How much the words of the sentence after next count (decisions: "Wednesday it is." "Fine."
/// "Next, the rota.").
const FAR_NEIGHBOUR_WEIGHT: f64 = 0.3;
/// A sentence of at most this many words is short (a flag of decisions: "Replace it, don't
/// repair." against "So, actions.").
const SHORT_SENTENCE_WORDS: usize = 6;
/// The term that stands for a sentence's first word ("then", "so", "okay"), apart from the same
/// word elsewhere in it.
const FIRST_WORD_MARK: &str = "^";
/// A word or word pair of the sentence itself must be in this many training sentences to count.
const OWN_MIN_SENTENCES: usize = 2;
/// A word of the neighbours must be in this many neighbouring sentences to count.
const NEIGHBOUR_MIN_SENTENCES: usize = 3;
/// The inverse regularisation strength (scikit-learn's `C`): larger fits the training more.
/// 4 was chosen on a tenth of today's meetings; trained on 600, 8 finds a little more on the
/// blind sets at the same precision, and 16 no more (ROUNDS.md, round forty-one).
const REGULARISATION_C: f64 = 8.0;
const LBFGS_MEMORY: usize = 10;
const LBFGS_MAX_ITERATIONS: usize = 2000;
/// Training has converged when no gradient component of the (per-sentence) loss is larger.
const GRADIENT_TOLERANCE: f64 = 1e-5;

/// The words of `text`, lower case: runs of letters, digits, '_' and inner apostrophes
/// ("don't"), as scikit-learn's `(?u)\b[\w']+\b`; curly apostrophes read as straight ones.
fn tokens(text: &str) -> Vec<String> {
    let lower = text.to_lowercase().replace('\u{2019}', "'");
    lower
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '\''))
        .map(|run| run.trim_matches('\''))
        .filter(|token| !token.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Words that say a number ("ten", "forty"), counted as `NUMBER_CLASS` besides themselves:
/// narrower than the cue table's `numbers` and `ordinals` (`english`), whose units and amounts
/// ("percent", "pounds", "dozen") and every ordinal, read as numbers here, found four fewer right
/// action items for three more false on the blind sets (ROUNDS.md, round forty-two).
const NUMBER_WORDS: &[&str] = &[
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "thousand",
    "million",
    "half",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "tenth",
    "twentieth",
    "thirtieth",
];
/// Words that say a time relative to the meeting, counted as `WHEN_CLASS` besides themselves
/// with the days and months (`english_words`; the scorers are trained on English meetings).
const RELATIVE_TIMES: &[&str] = &[
    "today",
    "tomorrow",
    "tonight",
    "week",
    "month",
    "year",
    "weekend",
    "morning",
    "afternoon",
];
const NUMBER_CLASS: &str = "#number";
const WHEN_CLASS: &str = "#when";
/// A capitalised word after the first: most often a name (of someone, a place, a supplier).
const NAME_CLASS: &str = "#name";

/// The class of each word of `text` (`tokens`' words, in order) that has one: a number, a day or
/// month, or a name; so that "Saturday only." and "Ten o'clock is the latest." read like rulings
/// of other days and numbers, and "Marta, the van." like work given to anyone else.
fn word_classes(text: &str) -> Vec<Option<&'static str>> {
    text.replace('\u{2019}', "'")
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '\''))
        .map(|run| run.trim_matches('\''))
        .filter(|token| !token.is_empty())
        .enumerate()
        .map(|(at, word)| {
            let lower = word.to_lowercase();
            let lower = lower.as_str();
            if word.chars().any(|c| c.is_ascii_digit()) || NUMBER_WORDS.contains(&lower) {
                Some(NUMBER_CLASS)
            } else if english_words::WEEKDAYS.contains(&lower)
                || english_words::MONTHS.contains(&lower)
                || RELATIVE_TIMES.contains(&lower)
            {
                Some(WHEN_CLASS)
            } else if at > 0 && word != "I" && word.chars().next().is_some_and(char::is_uppercase) {
                Some(NAME_CLASS)
            } else {
                None
            }
        })
        .collect()
}

/// The terms a text is counted by: its words and their classes (`word_classes`), with `pairs`
/// its adjacent word pairs too, each also with its classed words as their class ("by #when"),
/// and with `first_word` its first word marked as such ("^then").
fn terms(text: &str, pairs: bool, first_word: bool) -> Vec<String> {
    let words = tokens(text);
    let classes = word_classes(text);
    let mut terms = words.clone();
    terms.extend(classes.iter().flatten().map(|class| (*class).to_owned()));
    if pairs {
        terms.extend(words.windows(2).map(|pair| format!("{} {}", pair[0], pair[1])));
        if classes.len() == words.len() {
            let classed: Vec<&str> = words
                .iter()
                .zip(&classes)
                .map(|(word, class)| class.unwrap_or(word.as_str()))
                .collect();
            terms.extend(
                classed
                    .windows(2)
                    .zip(&classes)
                    .zip(&classes[1..])
                    .filter(|((_, a), b)| a.is_some() || b.is_some())
                    .map(|((pair, _), _)| format!("{} {}", pair[0], pair[1])),
            );
        }
    }
    if let (true, Some(first)) = (first_word, words.first()) {
        terms.push(format!("{FIRST_WORD_MARK}{first}"));
    }
    terms
}

/// Terms with their inverse document frequencies, each term at its index.
#[derive(Debug, Clone, PartialEq, Default)]
struct Vocabulary {
    index: HashMap<String, usize>,
    idf: Vec<f64>,
    pairs: bool,
    first_word: bool,
}

impl Vocabulary {
    /// The terms in at least `min_documents` of `documents`; idf = ln((1 + n) / (1 + df)) + 1.
    fn fit<'a>(
        documents: impl IntoIterator<Item = &'a str>,
        pairs: bool,
        first_word: bool,
        min_documents: usize,
    ) -> Self {
        let mut frequency: HashMap<String, usize> = HashMap::new();
        let mut count = 0usize;
        for document in documents {
            count += 1;
            let mut seen = terms(document, pairs, first_word);
            seen.sort_unstable();
            seen.dedup();
            for term in seen {
                *frequency.entry(term).or_default() += 1;
            }
        }
        let mut kept: Vec<(String, usize)> = frequency.into_iter().filter(|(_, df)| *df >= min_documents).collect();
        kept.sort_unstable();
        let mut vocabulary = Vocabulary {
            pairs,
            first_word,
            ..Vocabulary::default()
        };
        for (term, df) in kept {
            vocabulary.index.insert(term, vocabulary.idf.len());
            vocabulary.idf.push(((1 + count) as f64 / (1 + df) as f64).ln() + 1.0);
        }
        vocabulary
    }

    fn len(&self) -> usize {
        self.idf.len()
    }

    /// `text` as (index, value) pairs: (1 + ln count) × idf, scaled to unit length.
    fn vector(&self, text: &str) -> Vec<(usize, f64)> {
        let mut counts: HashMap<usize, u32> = HashMap::new();
        for term in terms(text, self.pairs, self.first_word) {
            if let Some(&at) = self.index.get(&term) {
                *counts.entry(at).or_default() += 1;
            }
        }
        let mut vector: Vec<(usize, f64)> = counts
            .into_iter()
            .map(|(at, count)| (at, (1.0 + f64::from(count).ln()) * self.idf[at]))
            .collect();
        vector.sort_unstable_by_key(|&(at, _)| at);
        let length = vector.iter().map(|(_, v)| v * v).sum::<f64>().sqrt();
        if length > 0.0 {
            for (_, value) in &mut vector {
                *value /= length;
            }
        }
        vector
    }

    fn terms_by_index(&self) -> Vec<&str> {
        let mut terms = vec![""; self.idf.len()];
        for (term, &at) in &self.index {
            terms[at] = term;
        }
        terms
    }
}

/// What a sentence is read for, the two vocabularies it is read with, and where each part of
/// its vector lies.
#[derive(Debug, Clone, PartialEq)]
struct Features {
    reading: Reading,
    own: Vocabulary,
    beside: Vocabulary,
}

impl Features {
    /// Fitted on the training sentences: their own terms, and the words of the sentences just
    /// before and after them.
    fn fit(reading: Reading, views: &[SentenceView<'_>]) -> Self {
        Features {
            reading,
            own: Vocabulary::fit(
                views.iter().map(|v| v.text),
                true,
                reading == Reading::Decision,
                OWN_MIN_SENTENCES,
            ),
            beside: Vocabulary::fit(
                views.iter().map(|v| v.before).chain(views.iter().map(|v| v.after)),
                false,
                false,
                NEIGHBOUR_MIN_SENTENCES,
            ),
        }
    }

    /// Own terms, then each neighbour's words (the sentence before, after, …), then the flags.
    fn width(&self) -> usize {
        self.own.len() + self.reading.neighbour_weights().len() * self.beside.len() + self.reading.flag_count()
    }

    fn vector(&self, view: &SentenceView<'_>) -> Vec<(usize, f64)> {
        let mut vector = self.own.vector(view.text);
        let mut at = self.own.len();
        for (text, weight) in self
            .reading
            .neighbours(view)
            .into_iter()
            .zip(self.reading.neighbour_weights())
        {
            vector.extend(self.beside.vector(text).into_iter().map(|(i, v)| (at + i, weight * v)));
            at += self.beside.len();
        }
        for (i, flag) in self.reading.flags(view).into_iter().enumerate() {
            if flag {
                vector.push((at + i, 1.0));
            }
        }
        vector
    }
}

/// A trained scorer: features, a weight for each and a bias.
#[derive(Debug, Clone, PartialEq)]
pub struct Scorer {
    features: Features,
    weights: Vec<f64>,
    bias: f64,
}

/// Why a scorer's text form could not be read (written by hand: this file is compiled into
/// `build.rs` too, which has no `thiserror`).
#[derive(Debug)]
pub enum ReadError {
    /// The line's number and what is wrong with it.
    Line(usize, String),
}

impl std::error::Error for ReadError {}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Line(line, why) => write!(
                f,
                "a learned scorer's line {line} is unreadable ({why}): rebuild the crate so build.rs trains it again"
            ),
        }
    }
}

impl Scorer {
    /// What it tells apart.
    pub fn reading(&self) -> Reading {
        self.features.reading
    }

    /// 0-1: how likely `view` is to be what the scorer looks for (work handed out or taken on;
    /// a ruling).
    pub fn probability(&self, view: &SentenceView<'_>) -> f64 {
        let z = self.bias
            + self
                .features
                .vector(view)
                .iter()
                .map(|&(at, v)| self.weights[at] * v)
                .sum::<f64>();
        sigmoid(z)
    }

    /// `reads <reading>`, then one line per term: `own <idf> <weight> <term>`, `beside <idf>
    /// <weight for each neighbour> <word>`, then `flags <weight for each flag>` and `bias <b>`;
    /// numbers in the shortest form that reads back exactly.
    pub fn to_text(&self) -> String {
        let reading = self.features.reading;
        let mut text = format!("reads {}\n", reading.name());
        let own = self.features.own.terms_by_index();
        for (at, term) in own.iter().enumerate() {
            text += &format!("own {:e} {:e} {term}\n", self.features.own.idf[at], self.weights[at]);
        }
        let beside = self.features.beside.terms_by_index();
        let neighbours = reading.neighbour_weights().len();
        for (at, word) in beside.iter().enumerate() {
            text += &format!("beside {:e}", self.features.beside.idf[at]);
            for neighbour in 0..neighbours {
                text += &format!(" {:e}", self.weights[own.len() + neighbour * beside.len() + at]);
            }
            text += &format!(" {word}\n");
        }
        let flags_at = own.len() + neighbours * beside.len();
        text += "flags";
        for weight in &self.weights[flags_at..] {
            text += &format!(" {weight:e}");
        }
        text += &format!("\nbias {:e}\n", self.bias);
        text
    }

    /// Reads what `to_text` wrote.
    pub fn from_text(text: &str) -> Result<Scorer, ReadError> {
        let mut reading = None;
        let mut own = Vocabulary {
            pairs: true,
            ..Vocabulary::default()
        };
        let mut beside = Vocabulary::default();
        let mut own_weights = Vec::new();
        let mut neighbour_weights: Vec<Vec<f64>> = Vec::new();
        let (mut flags, mut bias) = (None, None);
        for (n, line) in text.lines().enumerate() {
            let bad = |why: &str| ReadError::Line(n + 1, why.to_owned());
            let number = |field: Option<&str>| -> Result<f64, ReadError> {
                field
                    .and_then(|f| f.parse::<f64>().ok())
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| bad("a finite number is missing"))
            };
            let (kind, rest) = line.split_once(' ').ok_or_else(|| bad("no fields"))?;
            if kind != "reads" && reading.is_none() {
                return Err(bad("the first line must say what the scorer reads"));
            }
            match kind {
                "reads" if reading.is_some() => return Err(bad("a second reads line")),
                "reads" => {
                    let read = [Reading::ActionItem, Reading::Decision]
                        .into_iter()
                        .find(|r| r.name() == rest)
                        .ok_or_else(|| bad("an unknown reading"))?;
                    own.first_word = read == Reading::Decision;
                    neighbour_weights = vec![Vec::new(); read.neighbour_weights().len()];
                    reading = Some(read);
                }
                "own" => {
                    let mut fields = rest.splitn(3, ' ');
                    let (idf, weight) = (number(fields.next())?, number(fields.next())?);
                    let term = fields.next().ok_or_else(|| bad("no term"))?;
                    own.index.insert(term.to_owned(), own.idf.len());
                    own.idf.push(idf);
                    own_weights.push(weight);
                }
                "beside" => {
                    let mut fields = rest.splitn(neighbour_weights.len() + 2, ' ');
                    let idf = number(fields.next())?;
                    for weights in &mut neighbour_weights {
                        weights.push(number(fields.next())?);
                    }
                    let word = fields.next().ok_or_else(|| bad("no word"))?;
                    if word.contains(' ') {
                        return Err(bad("a word with a space: more weights than the reading has neighbours"));
                    }
                    beside.index.insert(word.to_owned(), beside.idf.len());
                    beside.idf.push(idf);
                }
                "flags" => {
                    let weights = rest
                        .split(' ')
                        .map(|field| number(Some(field)))
                        .collect::<Result<Vec<f64>, ReadError>>()?;
                    if reading.is_some_and(|r| weights.len() != r.flag_count()) {
                        return Err(bad("the wrong number of flag weights"));
                    }
                    if flags.replace(weights).is_some() {
                        return Err(bad("a second flags line"));
                    }
                }
                "bias" => {
                    if bias.replace(number(Some(rest))?).is_some() {
                        return Err(bad("a second bias line"));
                    }
                }
                _ => return Err(bad("unknown kind")),
            }
        }
        let last = text.lines().count();
        let reading = reading.ok_or_else(|| ReadError::Line(last, "no reads line".to_owned()))?;
        let flags = flags.ok_or_else(|| ReadError::Line(last, "no flags line".to_owned()))?;
        let bias = bias.ok_or_else(|| ReadError::Line(last, "no bias line".to_owned()))?;
        let mut weights = own_weights;
        weights.extend(neighbour_weights.into_iter().flatten());
        weights.extend(flags);
        Ok(Scorer {
            features: Features { reading, own, beside },
            weights,
            bias,
        })
    }
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// log(1 + e^z) without overflow.
fn softplus(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

/// Training sentences as sparse rows, with labels and class-balancing weights.
struct Examples {
    rows: Vec<Vec<(usize, f64)>>,
    /// +1 for what the scorer looks for, -1 otherwise.
    signs: Vec<f64>,
    /// n / (2 × the sentences of its class): both classes weigh the same in all.
    weights: Vec<f64>,
    width: usize,
}

impl Examples {
    fn new(features: &Features, views: &[SentenceView<'_>], labels: &[bool]) -> Self {
        let n = labels.len() as f64;
        let positives = labels.iter().filter(|&&l| l).count().max(1) as f64;
        let negatives = labels.iter().filter(|&&l| !l).count().max(1) as f64;
        Examples {
            rows: views.iter().map(|v| features.vector(v)).collect(),
            signs: labels.iter().map(|&l| if l { 1.0 } else { -1.0 }).collect(),
            weights: labels
                .iter()
                .map(|&l| {
                    if l {
                        n / (2.0 * positives)
                    } else {
                        n / (2.0 * negatives)
                    }
                })
                .collect(),
            width: features.width(),
        }
    }

    /// The mean weighted log loss plus |w|² / (2 C n), and its gradient (weights, then bias).
    fn loss_and_gradient(&self, parameters: &[f64]) -> (f64, Vec<f64>) {
        let n = self.rows.len() as f64;
        let (w, b) = (&parameters[..self.width], parameters[self.width]);
        let mut gradient = vec![0.0; self.width + 1];
        let mut loss = 0.0;
        for ((row, &sign), &weight) in self.rows.iter().zip(&self.signs).zip(&self.weights) {
            let z = b + row.iter().map(|&(at, v)| w[at] * v).sum::<f64>();
            loss += weight * softplus(-sign * z);
            let slope = -weight * sign * sigmoid(-sign * z);
            for &(at, v) in row {
                gradient[at] += slope * v;
            }
            gradient[self.width] += slope;
        }
        let penalty = 1.0 / (REGULARISATION_C * n);
        loss = loss / n + 0.5 * penalty * w.iter().map(|x| x * x).sum::<f64>();
        for (g, x) in gradient.iter_mut().zip(w) {
            *g = *g / n + penalty * x;
        }
        gradient[self.width] /= n;
        (loss, gradient)
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// How training ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Convergence {
    pub iterations: usize,
    /// The largest gradient component left: at most `GRADIENT_TOLERANCE` once converged.
    pub largest_gradient: f64,
    pub converged: bool,
}

/// A scorer for `reading` fitted to `views` and whether each is what it looks for (`labels`),
/// the classes weighted to count equally, and how its training ended.
pub fn train(reading: Reading, views: &[SentenceView<'_>], labels: &[bool]) -> (Scorer, Convergence) {
    assert_eq!(views.len(), labels.len(), "one label per sentence");
    let features = Features::fit(reading, views);
    let examples = Examples::new(&features, views, labels);
    let (parameters, convergence) = lbfgs(vec![0.0; examples.width + 1], |p| examples.loss_and_gradient(p));
    let bias = parameters[examples.width];
    let mut weights = parameters;
    weights.truncate(examples.width);
    let scorer = Scorer {
        features,
        weights,
        bias,
    };
    (scorer, convergence)
}

/// Minimises a smooth convex function from `start` by limited-memory BFGS with a backtracking
/// (Armijo) line search; stops at a point where no step lowers it any more.
fn lbfgs(start: Vec<f64>, objective: impl Fn(&[f64]) -> (f64, Vec<f64>)) -> (Vec<f64>, Convergence) {
    let mut x = start;
    let (mut f, mut g) = objective(&x);
    let mut history: Vec<(Vec<f64>, Vec<f64>, f64)> = Vec::new();
    let largest = |g: &[f64]| g.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    let mut iterations = 0;
    while iterations < LBFGS_MAX_ITERATIONS && largest(&g) > GRADIENT_TOLERANCE {
        iterations += 1;
        // The two-loop recursion: the direction -H g.
        let mut q = g.clone();
        let mut alphas = Vec::with_capacity(history.len());
        for (s, y, rho) in history.iter().rev() {
            let alpha = rho * dot(s, &q);
            q.iter_mut().zip(y).for_each(|(q, y)| *q -= alpha * y);
            alphas.push(alpha);
        }
        let scale = history
            .last()
            .map_or(1.0 / dot(&g, &g).sqrt().max(1.0), |(s, y, _)| dot(s, y) / dot(y, y));
        q.iter_mut().for_each(|q| *q *= scale);
        for ((s, y, rho), alpha) in history.iter().zip(alphas.iter().rev()) {
            let beta = rho * dot(y, &q);
            q.iter_mut().zip(s).for_each(|(q, s)| *q += (alpha - beta) * s);
        }
        let direction: Vec<f64> = q.iter().map(|v| -v).collect();
        let slope = dot(&g, &direction);
        if slope >= 0.0 {
            // Not downhill: forget the curvature and take the gradient's direction.
            if history.is_empty() {
                break;
            }
            history.clear();
            continue;
        }
        let mut step = 1.0;
        let accepted = loop {
            let candidate: Vec<f64> = x.iter().zip(&direction).map(|(x, d)| x + step * d).collect();
            let (cf, cg) = objective(&candidate);
            if cf <= f + 1e-4 * step * slope {
                break Some((candidate, cf, cg));
            }
            step *= 0.5;
            if step < 1e-12 {
                break None;
            }
        };
        let Some((next, next_f, next_g)) = accepted else {
            // No step lowers it: try the gradient's own direction before giving up.
            if history.is_empty() {
                break;
            }
            history.clear();
            continue;
        };
        let s: Vec<f64> = next.iter().zip(&x).map(|(a, b)| a - b).collect();
        let y: Vec<f64> = next_g.iter().zip(&g).map(|(a, b)| a - b).collect();
        let sy = dot(&s, &y);
        let settled = f - next_f <= f64::EPSILON * f.abs().max(1.0);
        (x, f, g) = (next, next_f, next_g);
        if settled {
            if history.is_empty() {
                break;
            }
            history.clear();
            continue;
        }
        if sy > f64::EPSILON * dot(&y, &y) {
            if history.len() == LBFGS_MEMORY {
                history.remove(0);
            }
            history.push((s, y, 1.0 / sy));
        }
    }
    let convergence = Convergence {
        iterations,
        largest_gradient: largest(&g),
        converged: largest(&g) <= GRADIENT_TOLERANCE,
    };
    (x, convergence)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(text: &str) -> SentenceView<'_> {
        SentenceView {
            text,
            before: "",
            after: "",
            after_next: "",
            next_is_someone_else: false,
            by_leader: false,
        }
    }

    #[test]
    fn words_are_lower_case_runs_with_inner_apostrophes() {
        assert_eq!(
            tokens("Don’t 'forget' the Q3-report, Ana_B!"),
            ["don't", "forget", "the", "q3", "report", "ana_b"]
        );
        assert!(tokens(" ... ' ").is_empty());
    }

    #[test]
    fn vocabulary_keeps_terms_in_enough_documents_with_smoothed_idf() {
        let vocabulary = Vocabulary::fit(["send the quote", "send it", "the end"], true, false, 2);
        let mut kept: Vec<&str> = vocabulary.terms_by_index();
        kept.sort_unstable();
        assert_eq!(kept, ["send", "the"]);
        let idf = ((1.0 + 3.0) / (1.0 + 2.0_f64)).ln() + 1.0;
        assert!(vocabulary.idf.iter().all(|&v| (v - idf).abs() < 1e-12));
        // Counted sub-linearly, then scaled to unit length.
        let vector = vocabulary.vector("send send the");
        let (send, the) = ((1.0 + 2.0_f64.ln()) * idf, idf);
        let length = (send * send + the * the).sqrt();
        let value = |term: &str| vector.iter().find(|(at, _)| *at == vocabulary.index[term]).unwrap().1;
        assert!((value("send") - send / length).abs() < 1e-12);
        assert!((value("the") - the / length).abs() < 1e-12);
        assert!(vocabulary.vector("nothing known").is_empty());
    }

    #[test]
    fn numbers_days_and_names_count_as_their_class_too() {
        let with_pairs = terms("Then Marta takes 2 crates on Friday.", true, false);
        for term in [
            "marta",
            "#name",
            "#number",
            "#when",
            "#name takes",
            "#number crates",
            "on #when",
            "on friday",
        ] {
            assert!(with_pairs.iter().any(|t| t == term), "{term} in {with_pairs:?}");
        }
        // The first word is capitalised whatever it is, and "I" is no name.
        assert_eq!(with_pairs.iter().filter(|t| *t == "#name").count(), 1, "{with_pairs:?}");
        assert!(!terms("Then I go.", true, false).iter().any(|t| t.starts_with('#')));
        // A neighbour's words: classes, but no pairs.
        let words = terms("Then Marta takes 2 crates on Friday.", false, false);
        assert!(words.iter().any(|t| t == "#when") && !words.iter().any(|t| t.contains(' ')));
    }

    #[test]
    fn word_pairs_count_only_when_asked_for() {
        let with_pairs = Vocabulary::fit(["send the quote", "send the van"], true, false, 2);
        let without = Vocabulary::fit(["send the quote", "send the van"], false, false, 2);
        assert!(with_pairs.index.contains_key("send the"));
        assert!(!without.index.contains_key("send the"));
    }

    #[test]
    fn a_first_word_counts_apart_only_when_asked_for() {
        let marked = Vocabulary::fit(["then we go", "then it is", "so then"], false, true, 2);
        assert!(marked.index.contains_key("^then") && marked.index.contains_key("then"));
        let plain = Vocabulary::fit(["then we go", "then it is", "so then"], false, false, 2);
        assert!(!plain.index.contains_key("^then"));
        // "then" opens only one of these two: its mark is in one vector, the word in both.
        let has = |text: &str, term: &str| marked.vector(text).iter().any(|(at, _)| *at == marked.index[term]);
        assert!(has("then we go", "^then") && !has("so then", "^then"));
        assert!(has("so then", "then"));
    }

    /// Work and talk told apart by their words, by the sentence after and by who speaks next,
    /// each on its own: the neighbours' words and the flag are not tied to each other.
    fn toy_set() -> (Vec<SentenceView<'static>>, Vec<bool>) {
        let work = [
            ("Priya, send the quote by Friday.", "", "Sure thing.", true),
            ("Marta books the van for Thursday.", "Right.", "Okay then.", false),
            ("Send the quote to Marta tomorrow.", "Right.", "Sure thing.", true),
            ("Priya books the hall by Monday.", "", "Okay then.", true),
            ("The hall and the van.", "", "Sure thing.", false),
        ];
        let talk = [
            ("The weather was lovely last week.", "Right.", "It was.", false),
            ("We had a lovely time at the hall.", "", "It was.", true),
            ("Last week the van was lovely.", "Right.", "Okay then.", false),
            ("The quote was a lovely surprise last week.", "", "It was.", true),
            ("The hall and the van.", "", "It was.", false),
        ];
        let views = work
            .iter()
            .chain(&talk)
            .map(|&(text, before, after, next_is_someone_else)| SentenceView {
                text,
                before,
                after,
                next_is_someone_else,
                ..view("")
            })
            .collect();
        let labels = work.iter().map(|_| true).chain(talk.iter().map(|_| false)).collect();
        (views, labels)
    }

    #[test]
    fn each_reading_reads_as_far_ahead_as_its_neighbours_go() {
        // Work: the sentences before and after; rulings also the one after next.
        assert_eq!(Reading::ActionItem.reads_ahead(), 1);
        assert_eq!(Reading::Decision.reads_ahead(), 2);
    }

    #[test]
    fn training_separates_work_from_talk_and_reaches_the_optimum() {
        let (views, labels) = toy_set();
        let (scorer, convergence) = train(Reading::ActionItem, &views, &labels);
        assert!(convergence.converged, "{convergence:?}");
        for (v, &label) in views.iter().zip(&labels) {
            assert_eq!(scorer.probability(v) > 0.5, label, "{}", v.text);
        }
        assert!(scorer.probability(&view("Tom, send the van by Friday.")) > 0.5);
        assert!(scorer.probability(&view("Last week was lovely.")) < 0.5);
        // The same words said before "Sure thing." are work, before "It was." talk.
        let reply = |after| SentenceView {
            after,
            ..view("The hall and the van.")
        };
        assert!(scorer.probability(&reply("Sure thing.")) > scorer.probability(&reply("It was.")));
        // At the minimum of the training's own objective the gradient vanishes (strictly
        // convex), and it is not lower anywhere near.
        let examples = Examples::new(&scorer.features, &views, &labels);
        let mut parameters = scorer.weights.clone();
        parameters.push(scorer.bias);
        let (loss, gradient) = examples.loss_and_gradient(&parameters);
        assert!(gradient.iter().all(|g| g.abs() <= GRADIENT_TOLERANCE), "{gradient:?}");
        for at in [0, examples.width] {
            for nudge in [-1e-3, 1e-3] {
                let mut moved = parameters.clone();
                moved[at] += nudge;
                assert!(examples.loss_and_gradient(&moved).0 > loss);
            }
        }
    }

    #[test]
    fn the_classes_weigh_the_same_however_many_each_has() {
        let (views, _) = toy_set();
        let labels = [true, false, false, false, false, false, false, false, false, false];
        let examples = Examples::new(&Features::fit(Reading::ActionItem, &views), &views, &labels);
        let class_total = |class: bool| -> f64 {
            examples
                .weights
                .iter()
                .zip(&labels)
                .filter(|(_, &l)| l == class)
                .map(|(w, _)| w)
                .sum()
        };
        assert!((class_total(true) - 5.0).abs() < 1e-12 && (class_total(false) - 5.0).abs() < 1e-12);
    }

    #[test]
    fn the_gradient_is_the_loss_slope() {
        let (views, labels) = toy_set();
        let examples = Examples::new(&Features::fit(Reading::ActionItem, &views), &views, &labels);
        let parameters: Vec<f64> = (0..=examples.width).map(|i| (i as f64 * 0.37).sin()).collect();
        let (_, gradient) = examples.loss_and_gradient(&parameters);
        for at in [0, examples.width / 2, examples.width - 1, examples.width] {
            let h = 1e-6;
            let mut up = parameters.clone();
            up[at] += h;
            let mut down = parameters.clone();
            down[at] -= h;
            let slope = (examples.loss_and_gradient(&up).0 - examples.loss_and_gradient(&down).0) / (2.0 * h);
            assert!((slope - gradient[at]).abs() < 1e-6, "{at}: {slope} vs {}", gradient[at]);
        }
    }

    #[test]
    fn who_speaks_next_counts_on_its_own() {
        // The same words; only who speaks next tells them apart.
        let views: Vec<SentenceView<'_>> = (0..8)
            .map(|i| SentenceView {
                next_is_someone_else: i % 2 == 0,
                ..view("the boxes")
            })
            .collect();
        let labels: Vec<bool> = (0..8).map(|i| i % 2 == 0).collect();
        let (scorer, _) = train(Reading::ActionItem, &views, &labels);
        assert!(scorer.probability(&views[0]) > 0.5);
        assert!(scorer.probability(&views[1]) < 0.5);
    }

    #[test]
    fn the_text_form_reads_back_the_same_scorer() {
        let (views, labels) = toy_set();
        let (scorer, _) = train(Reading::ActionItem, &views, &labels);
        assert!(scorer.features.beside.len() > 0, "the neighbours' words are in it");
        let read = Scorer::from_text(&scorer.to_text()).unwrap();
        assert_eq!(read, scorer);
        let error = Scorer::from_text("reads action_item\nown 1.0 x send\n")
            .unwrap_err()
            .to_string();
        assert!(error.contains("line 2") && error.contains("rebuild"), "{error}");
        assert!(
            Scorer::from_text("reads action_item\nown 1.0 0.5 send\n").is_err(),
            "no flags or bias"
        );
        assert!(Scorer::from_text("reads action_item\nown 1.0 NaN send\nflags 0\nbias 0\n").is_err());
        assert!(
            Scorer::from_text("own 1.0 0.5 send\nflags 0\nbias 0\n").is_err(),
            "no reading"
        );
        assert!(
            Scorer::from_text("reads action_item\nflags 0 1\nbias 0\n").is_err(),
            "one flag, not two"
        );
        assert!(Scorer::from_text("reads action_item\nflags 0.5\nbias 0\n").is_ok());
        assert!(
            Scorer::from_text("reads action_item\nflags 0.5\nbias 0\nbias 1\n").is_err(),
            "two biases"
        );
        assert!(Scorer::from_text("reads action_item\nreads decision\nflags 0.5\nbias 0\n").is_err());
        // A decision's beside lines carry three weights; read as an action item's, one too many.
        let three = "beside 1.0 0.1 0.2 0.3 then\n";
        assert!(Scorer::from_text(&format!("reads decision\n{three}flags 0 0 0 0\nbias 0\n")).is_ok());
        assert!(Scorer::from_text(&format!("reads action_item\n{three}flags 0\nbias 0\n")).is_err());
        assert!(
            Scorer::from_text("reads decision\nflags 0\nbias 0\n").is_err(),
            "four flags, not one"
        );
    }

    /// Rulings told apart from talk by who says them, by the sentence after next and by the
    /// first word, each on its own (each pair differs in that alone), said three times each.
    fn toy_rulings() -> (Vec<SentenceView<'static>>, Vec<bool>) {
        // Every sentence follows "Next item.", so its words are in the neighbours' vocabulary
        // (fitted on the sentences just before and after) without telling the classes apart.
        let ruling = |text, after_next, by_leader| SentenceView {
            text,
            before: "Next item.",
            after_next,
            by_leader,
            ..view("")
        };
        let pairs = [
            (
                ruling("The van goes back.", "Next item.", false),
                ruling("The van goes back.", "", false),
            ),
            (
                ruling("The hall stays shut.", "", true),
                ruling("The hall stays shut.", "", false),
            ),
            (
                ruling("Then the van goes.", "", false),
                ruling("The van goes then.", "", false),
            ),
        ];
        let mut views = Vec::new();
        let mut labels = Vec::new();
        for (yes, no) in pairs.iter().cycle().take(3 * pairs.len()) {
            views.extend([yes.clone(), no.clone()]);
            labels.extend([true, false]);
        }
        (views, labels)
    }

    #[test]
    fn a_decision_scorer_reads_who_runs_the_meeting_the_sentence_after_next_and_the_first_word() {
        let (views, labels) = toy_rulings();
        let (scorer, convergence) = train(Reading::Decision, &views, &labels);
        assert!(convergence.converged, "{convergence:?}");
        assert_eq!(scorer.reading(), Reading::Decision);
        for (v, &label) in views.iter().zip(&labels) {
            assert_eq!(scorer.probability(v) > 0.5, label, "{}", v.text);
        }
        let plain = view("The hall goes.");
        let p = |v: &SentenceView<'_>| scorer.probability(v);
        assert!(
            p(&SentenceView {
                by_leader: true,
                ..plain.clone()
            }) > p(&plain),
            "who runs the meeting"
        );
        assert!(
            p(&SentenceView {
                after_next: "Next item.",
                ..plain.clone()
            }) > p(&plain),
            "the talk moves on"
        );
        assert!(
            p(&view("Then the hall goes.")) > p(&view("The hall goes then.")),
            "\"then\" opening it"
        );
        // Read back, it scores the same.
        let read = Scorer::from_text(&scorer.to_text()).unwrap();
        assert_eq!(read, scorer);
        assert!(scorer.to_text().starts_with("reads decision\n"));
        // An action-item scorer trained on the same sentences reads none of that.
        let (work, _) = train(Reading::ActionItem, &views, &labels);
        assert_eq!(
            work.probability(&SentenceView {
                by_leader: true,
                after_next: "Next item.",
                ..plain.clone()
            }),
            work.probability(&plain)
        );
    }
}
