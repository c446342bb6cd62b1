//! One self-contained HTML file: inline CSS and SVG, no JavaScript, no external address, laid
//! out to print. Every piece of text passes through [`escape`].

use crate::doc::{Block, Document, Table};
use crate::format::Cell;
use crate::svg;

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

const STYLE: &str = "
body { font-family: system-ui, -apple-system, 'Segoe UI', Arial, sans-serif; color: #1a1a1a;
  background: #ffffff; margin: 0 auto; max-width: 1100px; padding: 1.5rem; line-height: 1.45; }
h1 { font-size: 1.7rem; margin-bottom: 0.3rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid #1f4e79; padding-bottom: 0.2rem; margin-top: 2.2rem; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: 0.2rem 1rem; }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; }
nav ol { columns: 2; }
a { color: #1f4e79; }
table { border-collapse: collapse; margin: 0.8rem 0 1.4rem; font-size: 0.85rem; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
th, td { border: 1px solid #b0b0b0; padding: 0.2rem 0.45rem; }
thead th { background: #e8eef5; }
th[scope=row] { text-align: left; font-weight: 500; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.withheld, td.nodata { font-style: italic; color: #4a4a4a; text-align: right; }
figure { margin: 1rem 0; }
figcaption { font-size: 0.85rem; color: #4a4a4a; }
dl.definitions dt { font-weight: 600; margin-top: 0.5rem; }
dl.definitions dd { margin-left: 1.2rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  h2 { break-after: avoid; }
  figure, table { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: #1a1a1a; text-decoration: none; }
}
";

/// Renders the document as one HTML page.
pub(crate) fn render(document: &Document) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str(&format!("<title>{}</title>\n", escape(&document.title)));
    out.push_str(&format!(
        "<style>{STYLE}</style>\n</head>\n<body>\n<header>\n"
    ));
    out.push_str(&format!(
        "<h1>{}</h1>\n<dl class=\"meta\">\n",
        escape(&document.title)
    ));
    for (label, value) in &document.meta {
        out.push_str(&format!(
            "<dt>{}</dt><dd>{}</dd>\n",
            escape(label),
            escape(value)
        ));
    }
    out.push_str("</dl>\n");
    for note in &document.notes {
        out.push_str(&format!("<p>{}</p>\n", escape(note)));
    }
    out.push_str("</header>\n<nav aria-label=\"Contents\">\n<h2>Contents</h2>\n<ol>\n");
    for section in &document.sections {
        out.push_str(&format!(
            "<li><a href=\"#{}\">{}</a></li>\n",
            escape(&section.id),
            escape(&section.title)
        ));
    }
    out.push_str("<li><a href=\"#definitions\">Definitions</a></li>\n</ol>\n</nav>\n<main>\n");
    let mut chart_number = 0;
    for section in &document.sections {
        out.push_str(&format!(
            "<section id=\"{}\">\n<h2>{}</h2>\n",
            escape(&section.id),
            escape(&section.title)
        ));
        for block in &section.blocks {
            match block {
                Block::Paragraph(text) => out.push_str(&format!("<p>{}</p>\n", escape(text))),
                Block::Table(table) => out.push_str(&table_html(table)),
                Block::Chart(chart) => {
                    chart_number += 1;
                    out.push_str(&svg::figure(chart, &format!("chart{chart_number}")));
                }
            }
        }
        out.push_str("</section>\n");
    }
    out.push_str(
        "<section id=\"definitions\">\n<h2>Definitions</h2>\n<dl class=\"definitions\">\n",
    );
    for definition in &document.definitions {
        out.push_str(&format!(
            "<dt>{}</dt><dd>{}</dd>\n",
            escape(&definition.label),
            escape(&definition.definition)
        ));
    }
    out.push_str("</dl>\n</section>\n</main>\n</body>\n</html>\n");
    out
}

fn table_html(table: &Table) -> String {
    let mut out = String::from("<table>\n");
    out.push_str(&format!(
        "<caption>{}</caption>\n<thead>\n",
        escape(&table.caption)
    ));
    let two_rows = table.groups.iter().any(|group| group.columns.len() > 1);
    if two_rows {
        out.push_str(&format!(
            "<tr><th scope=\"col\" rowspan=\"2\">{}</th>",
            escape(&table.key_heading)
        ));
        for group in &table.groups {
            if group.columns.len() > 1 {
                out.push_str(&format!(
                    "<th scope=\"colgroup\" colspan=\"{}\">{}</th>",
                    group.columns.len(),
                    escape(&group.name)
                ));
            } else {
                out.push_str(&format!(
                    "<th scope=\"col\" rowspan=\"2\">{}</th>",
                    escape(&group.name)
                ));
            }
        }
        out.push_str("</tr>\n<tr>");
        for group in table.groups.iter().filter(|group| group.columns.len() > 1) {
            for column in &group.columns {
                out.push_str(&format!("<th scope=\"col\">{}</th>", escape(column)));
            }
        }
        out.push_str("</tr>\n");
    } else {
        out.push_str(&format!(
            "<tr><th scope=\"col\">{}</th>",
            escape(&table.key_heading)
        ));
        for group in &table.groups {
            out.push_str(&format!("<th scope=\"col\">{}</th>", escape(&group.name)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</thead>\n<tbody>\n");
    for row in &table.rows {
        out.push_str(&format!(
            "<tr><th scope=\"row\">{}</th>",
            escape(&row.label)
        ));
        for cell in &row.cells {
            let class = match cell {
                Cell::Number { .. } => " class=\"num\"",
                Cell::Withheld(_) => " class=\"withheld\"",
                Cell::NoData => " class=\"nodata\"",
                Cell::Text(_) | Cell::Blank => "",
            };
            out.push_str(&format!("<td{class}>{}</td>", escape(&cell.display())));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }
}
