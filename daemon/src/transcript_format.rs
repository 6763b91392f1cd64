//! The one way a transcript is written out for people and tools: the format names
//! (`TranscriptFormat`, shared by `transcribe --format`, `export` and the `export` command), the
//! timestamp styles, and SRT / WebVTT cues. Pure formatting: never reads a file or a clock.

/// What a transcript can be written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TranscriptFormat {
    /// The words, one segment per line.
    Text,
    Json,
    Markdown,
    Srt,
    Vtt,
    /// A meeting's summary and transcript as a document to forward (stored meetings only).
    Pdf,
    Docx,
}

impl TranscriptFormat {
    pub fn name(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Json => "json",
            Self::Markdown => "markdown",
            Self::Srt => "srt",
            Self::Vtt => "vtt",
            Self::Pdf => "pdf",
            Self::Docx => "docx",
        }
    }

    /// A binary document (PDF, DOCX) rather than text.
    pub fn is_document(self) -> bool {
        matches!(self, Self::Pdf | Self::Docx)
    }
}

impl std::str::FromStr for TranscriptFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "text" | "txt" => Ok(Self::Text),
            "json" => Ok(Self::Json),
            "markdown" | "md" => Ok(Self::Markdown),
            "srt" => Ok(Self::Srt),
            "vtt" | "webvtt" => Ok(Self::Vtt),
            "pdf" => Ok(Self::Pdf),
            "docx" => Ok(Self::Docx),
            other => Err(format!(
                "unknown format {:?}: use text, json, markdown, srt, vtt, pdf or docx",
                crate::bounded::cut(other, 40)
            )),
        }
    }
}

/// One timed piece of text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cue<'a> {
    /// Seconds from the start of what is written out.
    pub start: f64,
    pub end: f64,
    pub text: &'a str,
    /// Who said it (an enrolled name, else `S1`…), when known.
    pub speaker: Option<&'a str>,
}

/// `text` safe inside a WebVTT cue (`&`, `<` and `>` escaped).
fn vtt_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// `HH:MM:SS,mmm` (SRT) or `HH:MM:SS.mmm` (WebVTT); negative times are 0.
pub fn cue_time(seconds: f64, separator: char) -> String {
    let ms = (seconds.max(0.0) * 1000.0).round() as u64;
    format!(
        "{:02}:{:02}:{:02}{separator}{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

/// `h:mm:ss`, whole seconds: durations and Markdown marks.
pub fn clock(seconds: f64) -> String {
    let s = seconds.max(0.0) as u64;
    format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// `mm:ss`, whole seconds (minutes keep counting past an hour): the summary's line marks.
pub fn minute_mark(seconds: f64) -> String {
    let s = seconds.max(0.0) as u64;
    format!("{:02}:{:02}", s / 60, s % 60)
}

/// The cues as SRT (numbered, `,` before milliseconds) or WebVTT (`WEBVTT` header, `.`).
/// Other formats are not subtitles: they get the text, one cue per line.
pub fn subtitles<'a>(format: TranscriptFormat, cues: impl IntoIterator<Item = Cue<'a>>) -> String {
    let mut out = String::new();
    match format {
        TranscriptFormat::Srt => {
            for (index, cue) in cues.into_iter().enumerate() {
                let who = cue.speaker.map(|s| format!("{s}: ")).unwrap_or_default();
                out.push_str(&format!(
                    "{}\n{} --> {}\n{who}{}\n\n",
                    index + 1,
                    cue_time(cue.start, ','),
                    cue_time(cue.end, ','),
                    cue.text.trim()
                ));
            }
        }
        TranscriptFormat::Vtt => {
            out.push_str("WEBVTT\n\n");
            for cue in cues {
                // A voice span names the speaker: `<v Alice>text`.
                let voice = cue
                    .speaker
                    .map(|s| format!("<v {}>", vtt_escape(s)))
                    .unwrap_or_default();
                out.push_str(&format!(
                    "{} --> {}\n{voice}{}\n\n",
                    cue_time(cue.start, '.'),
                    cue_time(cue.end, '.'),
                    vtt_escape(cue.text.trim())
                ));
            }
        }
        TranscriptFormat::Markdown => {
            for cue in cues {
                match cue.speaker {
                    Some(who) => out.push_str(&format!("**[{}] {who}:** {}\n\n", clock(cue.start), cue.text.trim())),
                    None => out.push_str(&format!("**[{}]** {}\n\n", clock(cue.start), cue.text.trim())),
                }
            }
        }
        TranscriptFormat::Text | TranscriptFormat::Json | TranscriptFormat::Pdf | TranscriptFormat::Docx => {
            for cue in cues {
                if let Some(who) = cue.speaker {
                    out.push_str(&format!("{who}: "));
                }
                out.push_str(cue.text.trim());
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cues() -> [Cue<'static>; 2] {
        [
            Cue {
                start: 0.0,
                end: 2.5,
                text: " Hello there.",
                speaker: None,
            },
            Cue {
                start: 3661.0425,
                end: 3662.0,
                text: "Bye.",
                speaker: None,
            },
        ]
    }

    #[test]
    fn srt_is_numbered_with_commas() {
        assert_eq!(
            subtitles(TranscriptFormat::Srt, cues()),
            "1\n00:00:00,000 --> 00:00:02,500\nHello there.\n\n2\n01:01:01,043 --> 01:01:02,000\nBye.\n\n"
        );
    }

    #[test]
    fn webvtt_has_its_header_and_dots() {
        assert_eq!(
            subtitles(TranscriptFormat::Vtt, cues()),
            "WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nHello there.\n\n01:01:01.043 --> 01:01:02.000\nBye.\n\n"
        );
    }

    #[test]
    fn markdown_and_text_put_one_cue_per_line() {
        assert_eq!(
            subtitles(TranscriptFormat::Markdown, cues()),
            "**[0:00:00]** Hello there.\n\n**[1:01:01]** Bye.\n\n"
        );
        assert_eq!(subtitles(TranscriptFormat::Text, cues()), "Hello there.\nBye.\n");
    }

    #[test]
    fn speakers_are_named_in_every_format() {
        let cue = || Cue {
            start: 1.0,
            end: 2.0,
            text: "Ship <it> & go.",
            speaker: Some("Alice"),
        };
        assert_eq!(
            subtitles(TranscriptFormat::Srt, [cue()]),
            "1\n00:00:01,000 --> 00:00:02,000\nAlice: Ship <it> & go.\n\n"
        );
        assert_eq!(
            subtitles(TranscriptFormat::Vtt, [cue()]),
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Alice>Ship &lt;it&gt; &amp; go.\n\n"
        );
        assert_eq!(
            subtitles(TranscriptFormat::Markdown, [cue()]),
            "**[0:00:01] Alice:** Ship <it> & go.\n\n"
        );
        assert_eq!(subtitles(TranscriptFormat::Text, [cue()]), "Alice: Ship <it> & go.\n");
    }

    #[test]
    fn clocks_round_and_clamp() {
        assert_eq!(cue_time(-1.0, '.'), "00:00:00.000");
        assert_eq!(clock(7322.9), "2:02:02");
        assert_eq!(minute_mark(3725.0), "62:05");
    }

    #[test]
    fn every_name_parses_back() {
        for format in [
            TranscriptFormat::Text,
            TranscriptFormat::Json,
            TranscriptFormat::Markdown,
            TranscriptFormat::Srt,
            TranscriptFormat::Vtt,
            TranscriptFormat::Pdf,
            TranscriptFormat::Docx,
        ] {
            assert_eq!(format.name().parse::<TranscriptFormat>(), Ok(format));
        }
        assert!(TranscriptFormat::Pdf.is_document() && !TranscriptFormat::Markdown.is_document());
        assert!("odt"
            .parse::<TranscriptFormat>()
            .unwrap_err()
            .contains("use text, json"));
    }
}
