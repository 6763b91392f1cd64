//! Documents people forward: a meeting written out as PDF or DOCX from a small block model
//! (title, headings, paragraphs, bullets, tables) that the exports fill in. PDF through
//! `pdf-writer` with the PDF base-14 Helvetica (nothing embedded; text is WinAnsi, so
//! characters outside Latin-1 are transliterated to ASCII), A4 pages with words wrapped by the
//! font's metrics; DOCX through `docx-rs` (text as it is). Pure: bytes in memory, never a file.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

/// A document to write out.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading(String),
    Paragraph(String),
    Bullet(String),
    /// A header row and rows of cells.
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("the DOCX could not be assembled ({0}); this is a bug, report it with the meeting id")]
    Docx(String),
}

const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 56.0;
const BODY_SIZE: f32 = 10.0;
const HEADING_SIZE: f32 = 13.0;
const TITLE_SIZE: f32 = 17.0;
const LEADING: f32 = 1.4;

/// One line laid out: its font (regular or bold), size, left edge and text.
struct Line {
    bold: bool,
    size: f32,
    x: f32,
    text: String,
    /// Space before it, points.
    gap_before: f32,
}

/// The document as a PDF file.
pub fn pdf(document: &Document) -> Vec<u8> {
    let lines = lay_out(document);
    // Paginate: lines go down the page until the bottom margin.
    let mut pages: Vec<Vec<(f32, &Line)>> = vec![Vec::new()];
    let mut y = PAGE_HEIGHT - MARGIN;
    for line in &lines {
        let height = line.size * LEADING + line.gap_before;
        if y - height < MARGIN {
            pages.push(Vec::new());
            y = PAGE_HEIGHT - MARGIN;
        }
        y -= height;
        pages.last_mut().expect("there is always a page").push((y, line));
    }
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let (regular, bold) = (Ref::new(3), Ref::new(4));
    let page_ids: Vec<Ref> = (0..pages.len()).map(|i| Ref::new(5 + 2 * i as i32)).collect();
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids(page_ids.iter().copied()).count(pages.len() as i32);
    for (font, base) in [(regular, b"Helvetica".as_slice()), (bold, b"Helvetica-Bold".as_slice())] {
        pdf.type1_font(font)
            .base_font(Name(base))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    for (index, lines) in pages.iter().enumerate() {
        let (page_id, content_id) = (page_ids[index], Ref::new(6 + 2 * index as i32));
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT));
        page.parent(tree);
        page.contents(content_id);
        page.resources()
            .fonts()
            .pair(Name(b"F1"), regular)
            .pair(Name(b"F2"), bold);
        page.finish();
        let mut content = Content::new();
        for (y, line) in lines {
            content.begin_text();
            content.set_font(Name(if line.bold { b"F2" } else { b"F1" }), line.size);
            content.next_line(line.x, *y);
            content.show(Str(&win_ansi(&line.text)));
            content.end_text();
        }
        pdf.stream(content_id, &content.finish());
    }
    pdf.finish()
}

/// The document's lines, wrapped to the page width.
fn lay_out(document: &Document) -> Vec<Line> {
    let width = PAGE_WIDTH - 2.0 * MARGIN;
    let mut lines = Vec::new();
    let mut add = |text: &str, bold: bool, size: f32, indent: f32, gap: f32, first_prefix: &str| {
        let wrapped = wrap(&pdf_text(text), width - indent, size, bold);
        for (i, piece) in wrapped.into_iter().enumerate() {
            lines.push(Line {
                bold,
                size,
                x: MARGIN + indent,
                text: if i == 0 {
                    format!("{first_prefix}{piece}")
                } else {
                    piece
                },
                gap_before: if i == 0 { gap } else { 0.0 },
            });
        }
    };
    add(&document.title, true, TITLE_SIZE, 0.0, 0.0, "");
    for block in &document.blocks {
        match block {
            Block::Heading(text) => add(text, true, HEADING_SIZE, 0.0, 10.0, ""),
            Block::Paragraph(text) => add(text, false, BODY_SIZE, 0.0, 4.0, ""),
            Block::Bullet(text) => add(text, false, BODY_SIZE, 12.0, 2.0, "• "),
            Block::Table { header, rows } => {
                add(&header.join("  |  "), true, BODY_SIZE, 0.0, 4.0, "");
                for row in rows {
                    add(&row.join("  |  "), false, BODY_SIZE, 0.0, 2.0, "");
                }
            }
        }
    }
    lines
}

/// Helvetica's advance widths (thousandths of the size) for the printable ASCII characters,
/// from the font's Adobe metrics; other characters count as a lower-case letter.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556,
    556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334,
    260, 334, 584,
];

fn text_width(text: &str, size: f32, bold: bool) -> f32 {
    let units: u32 = text
        .chars()
        .map(|c| match c as u32 {
            code @ 32..=126 => u32::from(HELVETICA[(code - 32) as usize]),
            _ => 556,
        })
        .sum();
    // Bold runs about 5 % wider.
    units as f32 / 1000.0 * size * if bold { 1.05 } else { 1.0 }
}

/// `text` cut into lines no wider than `width` (a word longer than a line is cut).
fn wrap(text: &str, width: f32, size: f32, bold: bool) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if text_width(&candidate, size, bold) <= width || line.is_empty() {
            line = candidate;
        } else {
            lines.push(std::mem::take(&mut line));
            line = word.to_owned();
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `text` in characters the PDF's WinAnsi encoding has (Latin-1 and a few typographic marks):
/// others are spelt in ASCII as `deunicode` transliterates them ("Łukasz" → "Lukasz", other
/// scripts romanised), `?` where it knows none; a name spelt a little differently reads better
/// than a row of question marks. Done before wrapping, so that lines are measured as printed.
fn pdf_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if win_ansi_byte(c).is_some() {
            out.push(c);
            continue;
        }
        match deunicode::deunicode_char(c).filter(|ascii| !ascii.is_empty()) {
            Some(ascii) => out.extend(ascii.chars().map(|a| if a.is_ascii_control() { '?' } else { a })),
            None => out.push('?'),
        }
    }
    out
}

/// Text already in WinAnsi's characters (`pdf_text`) as its bytes, with the string delimiters
/// of PDF taken care of by `Str`.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars().map(|c| win_ansi_byte(c).unwrap_or(b'?')).collect()
}

/// `c` as one WinAnsi byte, where it has one.
fn win_ansi_byte(c: char) -> Option<u8> {
    Some(match c {
        '€' => 0x80,
        '…' => 0x85,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        c if (c as u32) < 0x80 && !c.is_control() => c as u8,
        c if (0xA0..=0xFF).contains(&(c as u32)) => c as u32 as u8,
        _ => return None,
    })
}

/// The document as a DOCX file.
pub fn docx(document: &Document) -> Result<Vec<u8>, DocumentError> {
    use docx_rs::{Docx, Paragraph, Run, Table, TableCell, TableRow};
    let text = |t: &str| Paragraph::new().add_run(Run::new().add_text(t));
    let strong =
        |t: &str, half_points: usize| Paragraph::new().add_run(Run::new().add_text(t).bold().size(half_points));
    let mut out = Docx::new().add_paragraph(strong(&document.title, 34));
    for block in &document.blocks {
        out = match block {
            Block::Heading(t) => out.add_paragraph(strong(t, 26)),
            Block::Paragraph(t) => out.add_paragraph(text(t)),
            Block::Bullet(t) => out.add_paragraph(text(&format!("• {t}"))),
            Block::Table { header, rows } => {
                let row = |cells: &[String], bold: bool| {
                    TableRow::new(
                        cells
                            .iter()
                            .map(|c| {
                                let run = Run::new().add_text(c);
                                TableCell::new().add_paragraph(Paragraph::new().add_run(if bold {
                                    run.bold()
                                } else {
                                    run
                                }))
                            })
                            .collect(),
                    )
                };
                let mut all = vec![row(header, true)];
                all.extend(rows.iter().map(|r| row(r, false)));
                out.add_table(Table::new(all))
            }
        };
    }
    let mut bytes = std::io::Cursor::new(Vec::new());
    out.build()
        .pack(&mut bytes)
        .map_err(|e| DocumentError::Docx(e.to_string()))?;
    Ok(bytes.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> Document {
        Document {
            title: "Meeting 2026-12-02".into(),
            blocks: vec![
                Block::Heading("Action items".into()),
                Block::Table {
                    header: vec!["Owner".into(), "Task".into()],
                    rows: vec![vec!["Priya".into(), "fix the alert (café)".into()]],
                },
                Block::Bullet("word ".repeat(400)),
            ],
        }
    }

    #[test]
    fn long_text_wraps_within_the_page_and_overflows_onto_new_pages() {
        let lines = wrap(&"word ".repeat(400), 483.0, BODY_SIZE, false);
        assert!(lines.len() > 10);
        assert!(lines.iter().all(|l| text_width(l, BODY_SIZE, false) <= 483.0));
        let many = Document {
            title: "t".into(),
            blocks: (0..200).map(|i| Block::Paragraph(format!("line {i}"))).collect(),
        };
        let bytes = pdf(&many);
        assert!(bytes.starts_with(b"%PDF-"));
        // 200 body lines of 18 pt (line and gap) on 730 pt of page: 39 under the title on
        // the first page, 40 on each next one: six pages.
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("/Count 6"), "{}", &text[..text.len().min(2000)]);
    }

    #[test]
    fn latin_text_is_kept_and_the_rest_transliterated() {
        assert_eq!(win_ansi(&pdf_text("café – ok")), b"caf\xe9 \x96 ok");
        assert_eq!(pdf_text("Łukasz Dvořák"), "Lukasz Dvorák", "á is Latin-1 and stays");
        assert!(!pdf_text("日本").contains('?'), "romanised, not question marks");
        assert_eq!(pdf_text("a\u{e000}b"), "a?b", "a private-use character has no spelling");
    }

    #[test]
    fn both_formats_are_written() {
        assert!(pdf(&document()).starts_with(b"%PDF-"));
        let docx = docx(&document()).unwrap();
        assert!(docx.starts_with(b"PK"), "a DOCX is a zip");
    }
}
